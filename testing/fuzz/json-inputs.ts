/**
 * Inputs made of JSON, for every target that reads JSON (HTTP bodies, WebSocket frames, config files): random
 * values, odd values (huge and tiny numbers, long and unicode strings, deep nesting, prototype keys), mutations of
 * a valid value (a field replaced by another type, removed, added, nested deep), and the text they are sent as,
 * itself mutated (truncated, invalid UTF-8 bytes, number literals no JavaScript number holds).
 */
import fc from 'fast-check';

/** A number literal in the text that JSON.stringify cannot write (1e400, 30 digits): spliced in at encoding. */
export class RawJson {
  constructor(readonly text: string) {}
}

const HUGE_LITERALS = ['1e400', '-1e400', '123456789012345678901234567890', '1e-400', '-0', '0.1e1', '1E+2'];

/** Values that break assumptions: boundaries, type look-alikes, keys with a meaning in JavaScript. */
export function oddValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      2 ** 31,
      2 ** 53,
      2 ** 53 + 2,
      -(2 ** 63),
      1e21,
      1.7976931348623157e308,
      -1.7976931348623157e308,
      5e-324,
      '',
      ' ',
      '0',
      '-1',
      'true',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      'toString',
      '\u0000',
      '\ud800',
      '\udfff',
      '\u202e',
      '😀',
      'é',
      '..',
      '/',
      '*',
      '%00',
      '<script>',
      '{}',
      '[]',
    ),
    fc.constantFrom(...HUGE_LITERALS).map((text) => new RawJson(text)),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer(),
    fc.double(),
    { arbitrary: longString(), weight: 1 },
    { arbitrary: deeplyNested(), weight: 1 },
  );
}

/** Up to 70,000 characters: over every name and field limit, under the 1 MiB body limit. */
export function longString(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(127, 128, 129, 256, 257, 1024, 1025, 4096, 70_000),
      fc.constantFrom('a', 'é', '😀'),
    )
    .map(([n, unit]) => unit.repeat(n));
}

/**
 * Arrays or objects nested around the 64-level limit of command arguments, and far past it: as text, since
 * building (and stringifying) a value 100,000 levels deep would overflow the harness's own stack first.
 */
export function deeplyNested(): fc.Arbitrary<RawJson> {
  return fc
    .tuple(fc.constantFrom(1, 63, 64, 65, 100, 1000, 10_000, 100_000), fc.boolean())
    .map(([depth, arrays]) =>
      arrays
        ? new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`)
        : new RawJson(`${'{"x":'.repeat(depth)}0${'}'.repeat(depth)}`),
    );
}

/** The value a JSON reader gets from what a value is sent as (raw literals and deep nesting parsed for real). */
export function asParsed(value: unknown): unknown {
  const text = toJsonText(value);
  return text === '' ? undefined : JSON.parse(text);
}

/** Any JSON value, odd ones included. */
export function anyJson(maxDepth = 3): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth }), weight: 3 },
    { arbitrary: oddValue(), weight: 2 },
    {
      arbitrary: fc.dictionary(fc.oneof(fc.string(), oddKey()), oddValue(), { maxKeys: 4 }).map(withOwnKeys),
      weight: 1,
    },
  );
}

function oddKey(): fc.Arbitrary<string> {
  return fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'type', 'id', 'execute', '😀');
}

/** `{ "__proto__": ... }` as an own key, as JSON.parse makes it, not a prototype change. */
function withOwnKeys(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'wrap'; at: number; inArray: boolean };

function mutation(): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyJson(2) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(fc.string({ maxLength: 12 }), oddKey()),
      value: anyJson(2),
    }),
    fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), inArray: fc.boolean() }),
  );
}

/** A valid value with 1-4 mutations at random places (any node: the root, a field, an array item). */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(mutation(), { minLength: 1, maxLength: 4 }))
    .map(([value, mutations]) => mutations.reduce(applyMutation, cloneJson(value)));
}

/**
 * A copy of the levels mutations may change (fast-check's values are shared with its shrinker, never changed in
 * place); deeper levels are shared, as nothing changes them. RawJson is kept as it is.
 */
function cloneJson(value: unknown, depth = 0): unknown {
  if (depth > MUTATION_DEPTH + 1) return value;
  if (Array.isArray(value)) return value.map((item) => cloneJson(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: cloneJson(item, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Mutations land in the first levels: enumerating every node of a 10,000-deep value would cost its square. */
const MUTATION_DEPTH = 16;

type Path = (string | number)[];

/** Every node of a value, root first, by the keys that lead to it. */
function nodePaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (path.length >= MUTATION_DEPTH) return out;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) nodePaths(item, [...path, i], out);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) nodePaths(item, [...path, key], out);
  }
  return out;
}

function applyMutation(root: unknown, m: Mutation): unknown {
  const paths = nodePaths(root);
  const path = paths[m.at % paths.length] as Path;
  const current = getAt(root, path);
  switch (m.kind) {
    case 'replace':
      return setAt(root, path, cloneJson(m.value));
    case 'wrap':
      return setAt(root, path, m.inArray ? [current] : { value: current });
    case 'delete':
      // The whole value removed: nothing is sent (an empty body or frame).
      if (path.length === 0) return undefined;
      return deleteAt(root, path);
    case 'add':
      if (isPlainObject(current)) {
        Object.defineProperty(current, m.key, {
          value: cloneJson(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else if (Array.isArray(current)) current.push(cloneJson(m.value));
      return root;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawJson);
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1] as string | number, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return root;
}

function deleteAt(root: unknown, path: Path): unknown {
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, unknown>)[key as string];
  return root;
}

/** JSON text, with `RawJson` literals spliced in where they stand. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return item;
  });
  if (text === undefined) return '';
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_all, i: string) => raws[Number(i)] as string);
}

/** Byte sequences that are not UTF-8: a lone continuation, a truncated sequence, an overlong `/`, a surrogate. */
const INVALID_UTF8: readonly number[][] = [
  [0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xff],
  [0xfe],
];

type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert-bytes'; at: number; bytes: number[] }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'duplicate'; from: number; length: number };

function textMutation(): fc.Arbitrary<TextMutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert-bytes' as const),
      at: fc.nat(),
      bytes: fc.oneof(
        fc.constantFrom(...INVALID_UTF8),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
      ),
    }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), length: fc.nat({ max: 64 }) }),
  );
}

function applyTextMutation(bytes: Buffer, m: TextMutation): Buffer {
  const at = bytes.length === 0 ? 0 : ('at' in m ? m.at : m.from) % (bytes.length + 1);
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert-bytes':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    case 'flip': {
      if (bytes.length === 0) return Buffer.from([m.byte]);
      const copy = Buffer.from(bytes);
      copy[Math.min(at, copy.length - 1)] = m.byte;
      return copy;
    }
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + m.length), bytes.subarray(at)]);
  }
}

/**
 * The bytes a value is sent as: its JSON text (most often intact, since the value itself may be the odd part),
 * or that text truncated, with bytes inserted or changed.
 */
export function encoded(value: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      value,
      fc.oneof(
        { arbitrary: fc.constant([]), weight: 3 },
        fc.array(textMutation(), { minLength: 1, maxLength: 3 }),
      ),
    )
    .map(([v, mutations]) => mutations.reduce(applyTextMutation, Buffer.from(toJsonText(v))));
}
