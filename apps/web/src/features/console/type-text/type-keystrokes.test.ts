/** Typing a plan: one chord per command in order, progress per character, cancel and failure stop cleanly. */
import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../api/request-error.ts';
import type { InputEvent } from './keystroke-events.ts';
import { US } from './layouts/us.ts';
import { planTyping } from './text-to-keystrokes.ts';
import { type TypeProgress, typeKeystrokes } from './type-keystrokes.ts';

const keysOf = (events: InputEvent[]) =>
  events.map((e) => (e.type === 'key' ? `${e.data.down ? '↓' : '↑'}${e.data.key.data}` : e.type)).join(' ');

const noSleep = () => Promise.resolve();

describe('typeKeystrokes', () => {
  it('sends each chord as its own command, in order, and reports progress per character', async () => {
    const sent: string[] = [];
    const progress: TypeProgress[] = [];
    const outcome = await typeKeystrokes(planTyping('aB\n', US).keystrokes, {
      send: async (events) => {
        sent.push(keysOf(events));
      },
      onProgress: (p) => progress.push(p),
      sleep: noSleep,
    });
    expect(outcome).toEqual({ state: 'done', typed: 3 });
    expect(sent).toEqual(['↓a ↑a', '↓shift ↓b ↑b ↑shift', '↓ret ↑ret']);
    expect(progress.map((p) => p.typed)).toEqual([0, 1, 2, 3]);
    expect(progress.every((p) => p.total === 3)).toBe(true);
  });

  it('waits for each answer and the pace before the next chord', async () => {
    const log: string[] = [];
    await typeKeystrokes(planTyping('ab', US).keystrokes, {
      send: async (events) => {
        log.push(`send ${keysOf(events)}`);
      },
      paceMs: 7,
      sleep: async (ms) => {
        log.push(`sleep ${ms}`);
      },
    });
    expect(log).toEqual(['send ↓a ↑a', 'sleep 7', 'send ↓b ↑b', 'sleep 7']);
  });

  it('stops between chords when cancelled and says how far it got', async () => {
    const controller = new AbortController();
    const sent: string[] = [];
    const outcome = await typeKeystrokes(planTyping('abcdef', US).keystrokes, {
      send: async (events) => {
        sent.push(keysOf(events));
        if (sent.length === 2) controller.abort();
      },
      signal: controller.signal,
      sleep: noSleep,
    });
    expect(outcome).toEqual({ state: 'cancelled', typed: 2 });
    expect(sent).toEqual(['↓a ↑a', '↓b ↑b']);
  });

  it('stops at the first failure with the error (a paused VM)', async () => {
    let calls = 0;
    const outcome = await typeKeystrokes(planTyping('abc', US).keystrokes, {
      send: async () => {
        calls += 1;
        if (calls === 2) throw new RequestError({ class: 'GenericError', desc: 'VM not running' });
      },
      sleep: noSleep,
    });
    expect(calls).toBe(2);
    expect(outcome.state).toBe('failed');
    expect(outcome.typed).toBe(1);
    expect(outcome.state === 'failed' && outcome.error.desc).toBe('VM not running');
  });
});
