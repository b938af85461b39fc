/**
 * How a guest keyboard layout is written down: for each physical key (named by QEMU's qcode, which is a key's
 * place on a PC keyboard, not what it types) the characters its levels type: plain, with Shift, with AltGr,
 * with Shift+AltGr. A dead key types nothing by itself and changes the next character (`^` then `e` is `ê`).
 * The tables follow xkeyboard-config's `basic` variants (what a Linux desktop and, near enough, the Linux
 * console use), levels 1 to 4, ASCII and Latin-1 only: a symbol a guest might map elsewhere is left out rather
 * than typed wrong.
 */
import type { ArgsOf } from '@qmpdeck/qmp';

/** A key by its place on the keyboard, as QEMU names it (`send-key`, `input-send-event`). */
export type KeyCode = Extract<ArgsOf<'send-key'>['keys'][number], { type: 'qcode' }>['data'];

export type DeadKeyName = 'circumflex' | 'diaeresis' | 'acute' | 'grave' | 'tilde' | 'cedilla';

export interface DeadKey {
  dead: DeadKeyName;
}

/** What one level of a key types: a character, a dead key, or nothing (null). */
export type Level = string | DeadKey | null;

export interface LayoutSpec {
  id: string;
  /** For the layout picker. */
  name: string;
  /** [plain, Shift, AltGr, Shift+AltGr]; shorter lists leave the upper levels empty. */
  keys: Partial<Record<KeyCode, readonly Level[]>>;
}

export const dead = (name: DeadKeyName): DeadKey => ({ dead: name });

/** A letter key: lower case plain, upper case with Shift, then what AltGr adds. */
export const letter = (char: string, ...altGr: Level[]): readonly Level[] => [
  char,
  char.toUpperCase(),
  ...altGr,
];

/**
 * What a dead key followed by a character makes. Only what the common compose tables (X11's, the Linux
 * console's, Windows') agree on: a dead key then space types the accent itself only where they all say so.
 */
export const DEAD_KEY_COMPOSE: Record<DeadKeyName, Record<string, string>> = {
  circumflex: { ' ': '^', a: 'â', e: 'ê', i: 'î', o: 'ô', u: 'û', A: 'Â', E: 'Ê', I: 'Î', O: 'Ô', U: 'Û' },
  diaeresis: { a: 'ä', e: 'ë', i: 'ï', o: 'ö', u: 'ü', y: 'ÿ', A: 'Ä', E: 'Ë', I: 'Ï', O: 'Ö', U: 'Ü' },
  acute: {
    a: 'á',
    e: 'é',
    i: 'í',
    o: 'ó',
    u: 'ú',
    y: 'ý',
    A: 'Á',
    E: 'É',
    I: 'Í',
    O: 'Ó',
    U: 'Ú',
    Y: 'Ý',
  },
  grave: { ' ': '`', a: 'à', e: 'è', i: 'ì', o: 'ò', u: 'ù', A: 'À', E: 'È', I: 'Ì', O: 'Ò', U: 'Ù' },
  tilde: { ' ': '~', a: 'ã', o: 'õ', n: 'ñ', A: 'Ã', O: 'Õ', N: 'Ñ' },
  cedilla: { c: 'ç', C: 'Ç' },
};

/** Keys every layout types the same way. */
export const COMMON_KEYS: Partial<Record<KeyCode, readonly Level[]>> = {
  spc: [' '],
  ret: ['\n'],
  tab: ['\t'],
};
