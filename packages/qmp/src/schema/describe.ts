/**
 * Turns introspected schema entries into form-friendly descriptions: a field per argument with its type resolved
 * (builtins, enums, nested objects, arrays, alternates, flat unions), whether it is optional, and its features
 * (deprecated, unstable, experimental `x-` names). Browser-safe.
 */
import {
  type BuiltinJsonType,
  indexSchema,
  isExperimentalName,
  isOptional,
  type SchemaCommand,
  type SchemaEvent,
  type SchemaIndex,
  type SchemaInfo,
  type SchemaObject,
} from './introspection.ts';

export interface Flags {
  features: string[];
  deprecated: boolean;
  unstable: boolean;
  /** The name starts with `x-` (or `__`): not a stable interface. */
  experimental: boolean;
}

export type FieldType =
  | { kind: 'builtin'; jsonType: BuiltinJsonType }
  | { kind: 'enum'; values: string[]; deprecatedValues: string[] }
  | { kind: 'object'; fields: Field[]; union?: UnionDescription }
  | { kind: 'array'; element: FieldType }
  | { kind: 'alternate'; choices: FieldType[] }
  /** A type that contains itself (e.g. a block node's children): expand it on demand with `describeType`. */
  | { kind: 'recursive'; typeName: string };

export interface Field extends Flags {
  name: string;
  optional: boolean;
  type: FieldType;
}

/** A flat union: the value of the `tag` member selects which variant's extra fields apply. */
export interface UnionDescription {
  tag: string;
  variants: { case: string; fields: Field[] }[];
}

export interface CommandDescription extends Flags {
  name: string;
  /** The argument object's own fields (for a flat union, the common ones including the tag). */
  args: Field[];
  /** Present when the arguments form a flat union (e.g. `blockdev-add` by `driver`). */
  union?: UnionDescription;
  /** The result type, absent when the command returns an empty object. */
  returns?: FieldType;
  allowOob: boolean;
}

export interface EventDescription extends Flags {
  name: string;
  fields: Field[];
  union?: UnionDescription;
}

export interface CommandSummary extends Flags {
  name: string;
  allowOob: boolean;
  hasArgs: boolean;
}

export interface EventSummary extends Flags {
  name: string;
}

function flagsOf(name: string, features: string[] | undefined): Flags {
  const list = features ?? [];
  return {
    features: list,
    deprecated: list.includes('deprecated'),
    unstable: list.includes('unstable'),
    experimental: isExperimentalName(name),
  };
}

class Describer {
  readonly #index: SchemaIndex;
  readonly #expanding = new Set<string>();

  constructor(index: SchemaIndex) {
    this.#index = index;
  }

  entry(name: string): SchemaInfo {
    const entry = this.#index.get(name);
    if (!entry) throw new Error(`Schema has no type named ${name}`);
    return entry;
  }

  type(name: string): FieldType {
    const entry = this.entry(name);
    switch (entry['meta-type']) {
      case 'builtin':
        return { kind: 'builtin', jsonType: entry['json-type'] };
      case 'enum':
        return {
          kind: 'enum',
          values: entry.values,
          deprecatedValues: (entry.members ?? [])
            .filter((m) => m.features?.includes('deprecated'))
            .map((m) => m.name),
        };
      case 'array':
        return { kind: 'array', element: this.type(entry['element-type']) };
      case 'alternate':
        return { kind: 'alternate', choices: entry.members.map((m) => this.type(m.type)) };
      case 'object':
        return this.#guarded(name, () => this.object(entry));
      default:
        throw new Error(`Schema entry ${name} is a ${entry['meta-type']}, not a type`);
    }
  }

  object(entry: SchemaObject): FieldType {
    const { fields, union } = this.members(entry);
    return union ? { kind: 'object', fields, union } : { kind: 'object', fields };
  }

  members(entry: SchemaObject): { fields: Field[]; union?: UnionDescription } {
    const fields = entry.members.map((member) => ({
      name: member.name,
      optional: isOptional(member),
      type: this.type(member.type),
      ...flagsOf(member.name, member.features),
    }));
    if (!entry.tag || !entry.variants) return { fields };
    const variants = entry.variants.map((variant) => {
      const variantEntry = this.entry(variant.type);
      const variantFields = variantEntry['meta-type'] === 'object' ? this.members(variantEntry).fields : [];
      return { case: variant.case, fields: variantFields };
    });
    return { fields, union: { tag: entry.tag, variants } };
  }

  objectMembers(name: string): { fields: Field[]; union?: UnionDescription } {
    const entry = this.entry(name);
    if (entry['meta-type'] !== 'object') throw new Error(`Schema entry ${name} is not an object type`);
    // Mark the root as being expanded so a member that refers back to it stays a `recursive` reference.
    this.#expanding.add(name);
    try {
      return this.members(entry);
    } finally {
      this.#expanding.delete(name);
    }
  }

  #guarded<T>(name: string, expand: () => T): T | { kind: 'recursive'; typeName: string } {
    if (this.#expanding.has(name)) return { kind: 'recursive', typeName: name };
    this.#expanding.add(name);
    try {
      return expand();
    } finally {
      this.#expanding.delete(name);
    }
  }
}

function commandEntry(index: SchemaIndex, name: string): SchemaCommand {
  const entry = index.get(name);
  if (entry?.['meta-type'] !== 'command') throw new Error(`Schema has no command named ${name}`);
  return entry;
}

function eventEntry(index: SchemaIndex, name: string): SchemaEvent {
  const entry = index.get(name);
  if (entry?.['meta-type'] !== 'event') throw new Error(`Schema has no event named ${name}`);
  return entry;
}

function isEmptyObject(index: SchemaIndex, name: string): boolean {
  const entry = index.get(name);
  return entry?.['meta-type'] === 'object' && entry.members.length === 0 && !entry.variants;
}

/** Describes one command's arguments and result for a form. Throws if the schema has no such command. */
export function describeCommand(schema: readonly SchemaInfo[], name: string): CommandDescription {
  const index = indexSchema(schema);
  const entry = commandEntry(index, name);
  const describer = new Describer(index);
  const { fields, union } = describer.objectMembers(entry['arg-type']);
  const description: CommandDescription = {
    name,
    args: fields,
    allowOob: entry['allow-oob'] ?? false,
    ...flagsOf(name, entry.features),
  };
  if (union) description.union = union;
  if (!isEmptyObject(index, entry['ret-type'])) description.returns = describer.type(entry['ret-type']);
  return description;
}

/** Describes one event's data fields. Throws if the schema has no such event. */
export function describeEvent(schema: readonly SchemaInfo[], name: string): EventDescription {
  const index = indexSchema(schema);
  const entry = eventEntry(index, name);
  const { fields, union } = new Describer(index).objectMembers(entry['arg-type']);
  const description: EventDescription = { name, fields, ...flagsOf(name, entry.features) };
  if (union) description.union = union;
  return description;
}

/** Expands one named (masked) type, e.g. to open a `recursive` field on demand. */
export function describeType(schema: readonly SchemaInfo[], typeName: string): FieldType {
  return new Describer(indexSchema(schema)).type(typeName);
}

/** Every command, sorted by name. */
export function listCommands(schema: readonly SchemaInfo[]): CommandSummary[] {
  const index = indexSchema(schema);
  return schema
    .filter((entry): entry is SchemaCommand => entry['meta-type'] === 'command')
    .map((entry) => ({
      name: entry.name,
      allowOob: entry['allow-oob'] ?? false,
      hasArgs: !isEmptyObject(index, entry['arg-type']),
      ...flagsOf(entry.name, entry.features),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every event, sorted by name. */
export function listEvents(schema: readonly SchemaInfo[]): EventSummary[] {
  return schema
    .filter((entry): entry is SchemaEvent => entry['meta-type'] === 'event')
    .map((entry) => ({ name: entry.name, ...flagsOf(entry.name, entry.features) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
