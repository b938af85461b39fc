import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from './command-history.ts';
import { loadConsoleLines, loadHistory, saveConsoleLines, saveHistory } from './stored-history.ts';

const entry = (id: string, outcome: HistoryEntry['outcome']): HistoryEntry => ({
  id,
  vm: 'alpha',
  request: { execute: 'query-status' },
  sentAt: 1,
  outcome,
});

afterEach(() => {
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('the command history kept in the browser', () => {
  it('comes back after a reload, per VM, with a command left waiting marked as such', () => {
    saveHistory('alpha', [
      entry('2', { state: 'pending' }),
      entry('1', { state: 'ok', value: { running: true } }),
    ]);
    expect(loadHistory('beta')).toEqual([]);
    const back = loadHistory('alpha');
    expect(back.map((item) => item.id)).toEqual(['2', '1']);
    expect(back[0]?.outcome).toMatchObject({ state: 'error', class: 'PageReloaded' });
    expect(back[1]?.outcome).toEqual({ state: 'ok', value: { running: true } });
  });

  it('keeps a large result as its size only, and at most 50 commands', () => {
    const schema = Array.from({ length: 5_000 }, (_, i) => ({ name: `type-${i}`, 'meta-type': 'object' }));
    const many = Array.from({ length: 60 }, (_, i) =>
      entry(String(i), { state: 'ok', value: i === 0 ? schema : i }),
    );
    saveHistory('alpha', many);
    const back = loadHistory('alpha');
    expect(back).toHaveLength(50);
    expect(back[0]?.outcome).toMatchObject({ state: 'ok', value: null, clippedBytes: expect.any(Number) });
    expect(back[1]?.outcome).toEqual({ state: 'ok', value: 1 });
  });

  it('drops what it cannot read, saying so', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    localStorage.setItem('qmpdeck:commands:alpha', '{not json');
    expect(loadHistory('alpha')).toEqual([]);
    localStorage.setItem('qmpdeck:commands:alpha', JSON.stringify([{ id: 1 }]));
    expect(loadHistory('alpha')).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('keeps the console lines too, the newest 100', () => {
    saveConsoleLines(
      'alpha',
      Array.from({ length: 120 }, (_, i) => `line ${i}`),
    );
    const lines = loadConsoleLines('alpha');
    expect(lines).toHaveLength(100);
    expect(lines.at(-1)).toBe('line 119');
  });
});
