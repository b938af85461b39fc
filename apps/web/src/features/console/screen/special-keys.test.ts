/** The special keys menu: what each entry presses, in what order, with keysyms and codes noVNC maps. */
import { describe, expect, it } from 'vitest';
import { pressSpecialKey, SPECIAL_KEYS } from './special-keys.ts';

function pressed(id: string): string[] {
  const key = SPECIAL_KEYS.find((k) => k.id === id);
  if (!key) throw new Error(`no special key ${id}`);
  const log: string[] = [];
  pressSpecialKey(key, (keysym, code, down) => log.push(`${down ? '↓' : '↑'}${code}:${keysym.toString(16)}`));
  return log;
}

describe('special keys', () => {
  it('has the keys a browser swallows, each once', () => {
    const labels = SPECIAL_KEYS.map((k) => k.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'Ctrl+Alt+Del',
        'Ctrl+Alt+F1',
        'Ctrl+Alt+F12',
        'Alt+Tab',
        'Alt+F4',
        'Print Screen',
        'Alt+SysRq',
        'Esc',
        'Tab',
      ]),
    );
    expect(new Set(SPECIAL_KEYS.map((k) => k.id)).size).toBe(SPECIAL_KEYS.length);
    expect(SPECIAL_KEYS.filter((k) => k.label.startsWith('Ctrl+Alt+F'))).toHaveLength(12);
  });

  it('presses in order and releases in reverse', () => {
    expect(pressed('ctrl-alt-del')).toEqual([
      '↓ControlLeft:ffe3',
      '↓AltLeft:ffe9',
      '↓Delete:ffff',
      '↑Delete:ffff',
      '↑AltLeft:ffe9',
      '↑ControlLeft:ffe3',
    ]);
  });

  it('names function keys by keysym F1 = ffbe … F12 = ffc9', () => {
    expect(pressed('ctrl-alt-f1')[2]).toBe('↓F1:ffbe');
    expect(pressed('ctrl-alt-f12')[2]).toBe('↓F12:ffc9');
    expect(pressed('alt-f4')).toEqual(['↓AltLeft:ffe9', '↓F4:ffc1', '↑F4:ffc1', '↑AltLeft:ffe9']);
  });

  it('sends SysRq as Alt with the Print Screen key, and Super alone', () => {
    expect(pressed('sysrq')).toEqual([
      '↓AltLeft:ffe9',
      '↓PrintScreen:ff15',
      '↑PrintScreen:ff15',
      '↑AltLeft:ffe9',
    ]);
    expect(pressed('super')).toEqual(['↓MetaLeft:ffeb', '↑MetaLeft:ffeb']);
  });
});
