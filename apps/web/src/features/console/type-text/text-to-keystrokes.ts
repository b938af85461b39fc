/**
 * Text → the keys a person would press to type it on a guest with a given keyboard layout. QEMU can only press
 * keys (it cannot reach the guest's clipboard), and a key is a place on the keyboard whose character depends on
 * the guest's layout: so the page has to know the layout. Each character becomes one or two chords (a key with
 * Shift and/or AltGr; a dead key first where the character needs one); a character the layout cannot type is
 * reported with where it is, never dropped.
 */
import { COMMON_KEYS, DEAD_KEY_COMPOSE, type KeyCode, type LayoutSpec, type Level } from './layout-spec.ts';

/** One key pressed with its modifiers held. */
export interface Chord {
  key: KeyCode;
  shift: boolean;
  altgr: boolean;
}

/** The chords that type one character of the text. */
export interface CharKeystrokes {
  char: string;
  /** Where the character starts in the (NFC-normalized) text, in UTF-16 units. */
  index: number;
  chords: Chord[];
}

export interface Untypable {
  char: string;
  index: number;
}

export interface TypingPlan {
  keystrokes: CharKeystrokes[];
  untypable: Untypable[];
}

/** Levels in the order a person would reach for them: fewer modifiers first. */
const LEVEL_MODIFIERS = [
  { shift: false, altgr: false },
  { shift: true, altgr: false },
  { shift: false, altgr: true },
  { shift: true, altgr: true },
] as const;

type CharMap = ReadonlyMap<string, Chord[]>;
const charMaps = new WeakMap<LayoutSpec, CharMap>();

function levelsOf(layout: LayoutSpec): [KeyCode, readonly Level[]][] {
  return Object.entries({ ...COMMON_KEYS, ...layout.keys }) as [KeyCode, readonly Level[]][];
}

/** Every character the layout can type and its chords: direct keys first, then dead-key compositions. */
function buildCharMap(layout: LayoutSpec): CharMap {
  const map = new Map<string, Chord[]>();
  const deadKeys: [Chord, (typeof DEAD_KEY_COMPOSE)[keyof typeof DEAD_KEY_COMPOSE]][] = [];
  for (const [level, modifiers] of LEVEL_MODIFIERS.entries()) {
    for (const [key, levels] of levelsOf(layout)) {
      const value = levels[level];
      if (value === undefined || value === null) continue;
      const chord: Chord = { key, ...modifiers };
      if (typeof value === 'string') {
        if (!map.has(value)) map.set(value, [chord]);
      } else {
        deadKeys.push([chord, DEAD_KEY_COMPOSE[value.dead]]);
      }
    }
  }
  for (const [deadChord, compose] of deadKeys) {
    for (const [base, composed] of Object.entries(compose)) {
      const baseChords = map.get(base);
      if (!map.has(composed) && baseChords?.length === 1) map.set(composed, [deadChord, ...baseChords]);
    }
  }
  return map;
}

function charMapOf(layout: LayoutSpec): CharMap {
  let map = charMaps.get(layout);
  if (!map) {
    map = buildCharMap(layout);
    charMaps.set(layout, map);
  }
  return map;
}

/** The characters a layout can type (for tests and the picker's hint). */
export function typableCharacters(layout: LayoutSpec): string[] {
  return [...charMapOf(layout).keys()];
}

/** Plans typing `text` on a guest with `layout`. Line ends (LF, CRLF, CR) are Enter. */
export function planTyping(text: string, layout: LayoutSpec): TypingPlan {
  const map = charMapOf(layout);
  const normalized = text.normalize('NFC');
  const keystrokes: CharKeystrokes[] = [];
  const untypable: Untypable[] = [];
  let index = 0;
  for (const codePoint of normalized) {
    const at = index;
    index += codePoint.length;
    // CRLF is one line end: the LF that follows a CR is already typed as Enter.
    if (codePoint === '\n' && normalized[at - 1] === '\r') continue;
    const char = codePoint === '\r' ? '\n' : codePoint;
    const chords = map.get(char);
    if (chords) keystrokes.push({ char: codePoint, index: at, chords });
    else untypable.push({ char: codePoint, index: at });
  }
  return { keystrokes, untypable };
}
