import type { InflightCommand } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { countsText, senderWords, summarise, waitingSentence } from './inflight-summary.ts';

const command = (id: number, execute: string, startedAt: number, change: Partial<InflightCommand> = {}) => ({
  id: String(id),
  vm: 'alpha',
  execute,
  client: 'c1',
  user: null,
  origin: 'console',
  startedAt,
  deadline: startedAt + 5_000,
  ...change,
});

describe('the in-flight summary', () => {
  it('counts 63 queued commands as one line: the oldest, and how many of each', () => {
    const commands = [
      ...Array.from({ length: 60 }, (_, i) => command(i, 'query-status', 1_000 + i)),
      command(60, 'stop', 900),
      command(61, 'stop', 1_100),
      command(62, 'cont', 1_200),
    ];
    const summary = summarise(commands);
    expect(summary.count).toBe(63);
    expect(summary.oldest?.execute).toBe('stop');
    expect(countsText(summary)).toBe('60 × query-status, 2 × stop, 1 × cont');
    expect(countsText(summary, 1)).toBe('60 × query-status, 2 more');
  });

  it('says what a command waits for, in words, by where it went', () => {
    expect(waitingSentence(command(1, 'stop', 0), 12_000)).toBe('QEMU has not answered `stop` for 12.0 s');
    expect(waitingSentence(command(2, 'guest-ping', 0, { target: 'guest' }), 3_000)).toBe(
      'The guest agent has not answered `guest-ping` for 3.0 s',
    );
    expect(waitingSentence(command(3, 'vm.start', 0, { target: 'bridge' }), 1_500)).toBe(
      'The bridge has been doing `vm.start` for 1.5 s',
    );
    expect(senderWords(command(4, 'stop', 0, { origin: 'Pause button', user: 'alice' }))).toBe(
      'from Pause button by alice',
    );
  });
});
