/**
 * Text → keystrokes for each guest layout: letters, digits, shifted symbols, AltGr symbols, dead keys, Enter and
 * Tab, and characters a layout cannot type reported with their place. Expectations are written from the
 * keyboards themselves (xkeyboard-config's basic variants), key by key.
 */
import { describe, expect, it } from 'vitest';
import { chordEvents } from './keystroke-events.ts';
import type { LayoutSpec } from './layout-spec.ts';
import { DE } from './layouts/de.ts';
import { FR } from './layouts/fr.ts';
import { GB } from './layouts/gb.ts';
import { DEFAULT_LAYOUT, LAYOUTS, layoutById } from './layouts/index.ts';
import { US } from './layouts/us.ts';
import { planTyping, typableCharacters } from './text-to-keystrokes.ts';

/** A chord written as a person says it: "shift+2", "altgr+q", "grave_accent". */
function said(chord: { key: string; shift: boolean; altgr: boolean }): string {
  return [chord.shift ? 'shift' : null, chord.altgr ? 'altgr' : null, chord.key].filter(Boolean).join('+');
}

/** Each character of `text` as the chords that type it, e.g. ['shift+a', 'b']; dead keys joined with a space. */
function keysFor(text: string, layout: LayoutSpec): string[] {
  const plan = planTyping(text, layout);
  expect(plan.untypable).toEqual([]);
  return plan.keystrokes.map((stroke) => stroke.chords.map(said).join(' '));
}

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('every layout', () => {
  it.each(LAYOUTS.map((layout) => [layout.id, layout] as const))(
    '%s types every printable ASCII character, Enter and Tab',
    (_id, layout) => {
      const plan = planTyping(`${PRINTABLE_ASCII}\n\t`, layout);
      expect(plan.untypable).toEqual([]);
      expect(plan.keystrokes).toHaveLength(97);
    },
  );

  it('has US as the default, and finds layouts by id', () => {
    expect(DEFAULT_LAYOUT.id).toBe('us');
    expect(LAYOUTS.map((layout) => layout.id)).toEqual(['us', 'gb', 'de', 'fr']);
    expect(layoutById('de')).toBe(DE);
    expect(layoutById('xx')).toBeUndefined();
  });

  it('types LF, CRLF and CR each as one Enter, and Tab as Tab', () => {
    expect(keysFor('a\nb\r\nc\rd\te', US)).toEqual(['a', 'ret', 'b', 'ret', 'c', 'ret', 'd', 'tab', 'e']);
  });

  it('reports what it cannot type, with its place, and plans the rest', () => {
    const plan = planTyping('a→b😀c', US);
    expect(plan.keystrokes.map((stroke) => stroke.char)).toEqual(['a', 'b', 'c']);
    // Places are UTF-16 offsets: the emoji takes two.
    expect(plan.untypable).toEqual([
      { char: '→', index: 1 },
      { char: '😀', index: 3 },
    ]);
  });

  it('reads decomposed accents as the character they make', () => {
    expect(keysFor('e\u0301', FR)).toEqual(['2']);
  });

  it('sends a chord as modifiers down, key down and up, modifiers up in reverse', () => {
    const [stroke] = planTyping('{', DE).keystrokes;
    expect(stroke?.chords).toHaveLength(1);
    const events = chordEvents(stroke?.chords[0] ?? { key: 'a', shift: false, altgr: false });
    expect(
      events.map((e) => (e.type === 'key' ? `${e.data.down ? '↓' : '↑'}${e.data.key.data}` : e.type)),
    ).toEqual(['↓alt_r', '↓7', '↑7', '↑alt_r']);
    const shifted = chordEvents({ key: 'a', shift: true, altgr: true });
    expect(
      shifted.map((e) => (e.type === 'key' ? `${e.data.down ? '↓' : '↑'}${e.data.key.data}` : '')),
    ).toEqual(['↓shift', '↓alt_r', '↓a', '↑a', '↑alt_r', '↑shift']);
  });
});

describe('us', () => {
  it('types letters, capitals and digits', () => {
    expect(keysFor('aZ09', US)).toEqual(['a', 'shift+z', '0', '9']);
  });

  it('types shifted symbols', () => {
    expect(keysFor('!@#~"|<?', US)).toEqual([
      'shift+1',
      'shift+2',
      'shift+3',
      'shift+grave_accent',
      'shift+apostrophe',
      'shift+backslash',
      'shift+comma',
      'shift+slash',
    ]);
  });

  it('types a shell line', () => {
    expect(keysFor('echo typed-1 > /dev/ttyS0\n', US).join(' ')).toBe(
      'e c h o spc t y p e d minus 1 spc shift+dot spc slash d e v slash t t y shift+s 0 ret',
    );
  });

  it('cannot type what a US keyboard has no key for', () => {
    expect(planTyping('£€é', US).untypable.map((u) => u.char)).toEqual(['£', '€', 'é']);
  });
});

describe('gb', () => {
  it('has " on 2, £ on 3, @ beside Enter and # ~ on the key by Enter', () => {
    expect(keysFor('"£@#~', GB)).toEqual([
      'shift+2',
      'shift+3',
      'shift+apostrophe',
      'backslash',
      'shift+backslash',
    ]);
  });

  it('has \\ and | on the key left of Z, and ` ¬ left of 1', () => {
    expect(keysFor('\\|`¬', GB)).toEqual(['less', 'shift+less', 'grave_accent', 'shift+grave_accent']);
  });

  it('types € ¦ æ with AltGr, and { with Shift (the fewest modifiers win)', () => {
    expect(keysFor('€{¦æ', GB)).toEqual(['altgr+4', 'shift+bracket_left', 'shift+altgr+less', 'altgr+a']);
  });

  it('types accents with the AltGr dead keys', () => {
    expect(keysFor('éêèëñç', GB)).toEqual([
      'altgr+semicolon e',
      'altgr+apostrophe e',
      'altgr+backslash e',
      'altgr+bracket_left e',
      'altgr+bracket_right n',
      'altgr+equal c',
    ]);
  });
});

describe('de', () => {
  it('is QWERTZ: the y key types z and the z key types y', () => {
    expect(keysFor('zyZY', DE)).toEqual(['y', 'z', 'shift+y', 'shift+z']);
  });

  it('has umlauts and ß on their own keys', () => {
    expect(keysFor('äöüßÄÖÜ', DE)).toEqual([
      'apostrophe',
      'semicolon',
      'bracket_left',
      'minus',
      'shift+apostrophe',
      'shift+semicolon',
      'shift+bracket_left',
    ]);
  });

  it('types digits and the shifted symbols above them', () => {
    expect(keysFor('1"§&/()=?', DE)).toEqual([
      '1',
      'shift+2',
      'shift+3',
      'shift+6',
      'shift+7',
      'shift+8',
      'shift+9',
      'shift+0',
      'shift+minus',
    ]);
  });

  it('types AltGr symbols: braces, brackets, backslash, @, €, ~ and |', () => {
    expect(keysFor('{[]}\\@€~|', DE)).toEqual([
      'altgr+7',
      'altgr+8',
      'altgr+9',
      'altgr+0',
      'altgr+minus',
      'altgr+q',
      'altgr+e',
      'altgr+bracket_right',
      'altgr+less',
    ]);
  });

  it('types ^ and ` with a dead key then space, and accents with a dead key then the letter', () => {
    expect(keysFor('^`éèâ', DE)).toEqual([
      'grave_accent spc',
      'shift+equal spc',
      'equal e',
      'shift+equal e',
      'grave_accent a',
    ]);
  });

  it('has - _ on the key right of the period, and < > on the key left of y', () => {
    expect(keysFor('-_<>;:', DE)).toEqual([
      'slash',
      'shift+slash',
      'less',
      'shift+less',
      'shift+comma',
      'shift+dot',
    ]);
  });
});

describe('fr', () => {
  it('is AZERTY: a z q w m sit where q w a z ; are on a US keyboard', () => {
    expect(keysFor('azqwmAM', FR)).toEqual(['q', 'w', 'a', 'z', 'semicolon', 'shift+q', 'shift+semicolon']);
  });

  it('types digits with Shift and the symbols and accented letters of the digit row without', () => {
    expect(keysFor('1234567890', FR)).toEqual([
      'shift+1',
      'shift+2',
      'shift+3',
      'shift+4',
      'shift+5',
      'shift+6',
      'shift+7',
      'shift+8',
      'shift+9',
      'shift+0',
    ]);
    expect(keysFor('&é"\'(-è_çà', FR)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
  });

  it('types AltGr symbols over the digit row', () => {
    expect(keysFor('~#{[|`\\^@]}', FR)).toEqual([
      'shift+grave_accent',
      'altgr+3',
      'altgr+4',
      'altgr+5',
      'altgr+6',
      'altgr+7',
      'altgr+8',
      'altgr+9',
      'altgr+0',
      'altgr+minus',
      'altgr+equal',
    ]);
  });

  it('types punctuation from the bottom row: , ; : ! and their shifted ? . / §', () => {
    expect(keysFor(',;:!?./§', FR)).toEqual([
      'm',
      'comma',
      'dot',
      'slash',
      'shift+m',
      'shift+comma',
      'shift+dot',
      'shift+slash',
    ]);
  });

  it('types ê ô with the circumflex dead key and ë ï with Shift (diaeresis)', () => {
    expect(keysFor('êôÊëï', FR)).toEqual([
      'bracket_left e',
      'bracket_left o',
      'bracket_left shift+e',
      'shift+bracket_left e',
      'shift+bracket_left i',
    ]);
  });

  it('types ù directly and € with AltGr+e', () => {
    expect(keysFor('ù€', FR)).toEqual(['apostrophe', 'altgr+e']);
  });

  it('cannot type a character no fr key or dead key makes', () => {
    expect(planTyping('ñß→', FR).untypable.map((u) => u.char)).toEqual(['ñ', '→']);
  });
});

describe('typable characters', () => {
  it('lists what a layout can type, compositions included', () => {
    expect(typableCharacters(FR)).toContain('ê');
    expect(typableCharacters(US)).not.toContain('ê');
  });
});
