/**
 * The shape of `query-qmp-schema` entries (QEMU's SchemaInfo) and a lookup by name. Type names other than builtins
 * are masked numbers, stable only within one QEMU binary, so they are always resolved through the array itself.
 * Browser-safe: no Node imports under src/schema/.
 */

export interface SchemaMember {
  name: string;
  type: string;
  /** Present (always null in QEMU 7.2) when the member is optional. */
  default?: unknown;
  features?: string[];
}

export interface SchemaBase {
  name: string;
  features?: string[];
}

export interface SchemaCommand extends SchemaBase {
  'meta-type': 'command';
  'arg-type': string;
  'ret-type': string;
  'allow-oob'?: boolean;
}

export interface SchemaEvent extends SchemaBase {
  'meta-type': 'event';
  'arg-type': string;
}

export interface SchemaObject extends SchemaBase {
  'meta-type': 'object';
  members: SchemaMember[];
  tag?: string;
  variants?: { case: string; type: string }[];
}

export interface SchemaEnum extends SchemaBase {
  'meta-type': 'enum';
  values: string[];
  members?: { name: string; features?: string[] }[];
}

export interface SchemaArray extends SchemaBase {
  'meta-type': 'array';
  'element-type': string;
}

export interface SchemaAlternate extends SchemaBase {
  'meta-type': 'alternate';
  members: { type: string }[];
}

export type BuiltinJsonType = 'string' | 'int' | 'number' | 'boolean' | 'null' | 'value';

export interface SchemaBuiltin extends SchemaBase {
  'meta-type': 'builtin';
  'json-type': BuiltinJsonType;
}

export type SchemaInfo =
  | SchemaCommand
  | SchemaEvent
  | SchemaObject
  | SchemaEnum
  | SchemaArray
  | SchemaAlternate
  | SchemaBuiltin;

export type SchemaIndex = ReadonlyMap<string, SchemaInfo>;

const indexes = new WeakMap<readonly SchemaInfo[], SchemaIndex>();

/** Entries by name, built once per schema array. */
export function indexSchema(schema: readonly SchemaInfo[]): SchemaIndex {
  let index = indexes.get(schema);
  if (!index) {
    index = new Map(schema.map((entry) => [entry.name, entry]));
    indexes.set(schema, index);
  }
  return index;
}

export function isOptional(member: SchemaMember): boolean {
  return 'default' in member;
}

/** Names starting `x-` are experimental in QMP (and `__` are downstream extensions). */
export function isExperimentalName(name: string): boolean {
  return name.startsWith('x-') || name.startsWith('__');
}
