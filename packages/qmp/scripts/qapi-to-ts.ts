/**
 * QAPI introspection -> TypeScript declarations. Masked type numbers are resolved through the schema and given
 * readable names from where they are first used (`QueryStatusResult`, `QueryStatusResultStatus`, ...), breadth-first
 * from commands then events, so the output is stable for a given schema.
 */
import {
  indexSchema,
  isOptional,
  type SchemaIndex,
  type SchemaInfo,
  type SchemaObject,
} from '../src/schema/introspection.ts';

const BUILTIN_TS: Record<string, string> = {
  string: 'string',
  int: 'number',
  number: 'number',
  boolean: 'boolean',
  null: 'null',
  value: 'unknown',
};

const EMPTY_OBJECT = 'Record<string, never>';

function pascal(name: string): string {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `'${name}'`;
}

function docComment(features: string[] | undefined, indent: string): string {
  const tags: string[] = [];
  if (features?.includes('deprecated')) tags.push('@deprecated');
  if (features?.includes('unstable')) tags.push('@remarks unstable');
  return tags.length > 0 ? `${indent}/** ${tags.join(' ')} */\n` : '';
}

export interface GenerateInput {
  schema: readonly SchemaInfo[];
  /** Where the schema came from, for the header. */
  source: string;
}

class TypeScriptEmitter {
  readonly #index: SchemaIndex;
  readonly #names = new Map<string, string>();
  readonly #used = new Set<string>();
  readonly #queue: string[] = [];

  constructor(schema: readonly SchemaInfo[]) {
    this.#index = indexSchema(schema);
  }

  #entry(name: string): SchemaInfo {
    const entry = this.#index.get(name);
    if (!entry) throw new Error(`Schema refers to a missing type ${name}`);
    return entry;
  }

  #isEmptyObject(name: string): boolean {
    const entry = this.#entry(name);
    return entry['meta-type'] === 'object' && entry.members.length === 0 && !entry.variants;
  }

  /** The TypeScript expression for a schema type, naming (and queueing) aliases as they are first met. */
  expr(typeName: string, suggestedName: string): string {
    const entry = this.#entry(typeName);
    switch (entry['meta-type']) {
      case 'builtin':
        return BUILTIN_TS[entry['json-type']] ?? 'unknown';
      case 'array': {
        const element = this.expr(entry['element-type'], `${suggestedName}Item`);
        return /[|&\s]/.test(element) ? `Array<${element}>` : `${element}[]`;
      }
      case 'object':
        if (this.#isEmptyObject(typeName)) return EMPTY_OBJECT;
        return this.#nameFor(typeName, suggestedName);
      case 'enum':
      case 'alternate':
        return this.#nameFor(typeName, suggestedName);
      default:
        throw new Error(`Type ${typeName} is a ${entry['meta-type']}`);
    }
  }

  #nameFor(typeName: string, suggestedName: string): string {
    const existing = this.#names.get(typeName);
    if (existing) return existing;
    let name = suggestedName;
    for (let n = 2; this.#used.has(name); n++) name = `${suggestedName}${n}`;
    this.#used.add(name);
    this.#names.set(typeName, name);
    this.#queue.push(typeName);
    return name;
  }

  /** Emits every alias queued so far (and those they queue in turn). */
  declarations(): string[] {
    const out: string[] = [];
    for (let typeName = this.#queue.shift(); typeName !== undefined; typeName = this.#queue.shift()) {
      out.push(this.#declaration(typeName));
    }
    return out;
  }

  #declaration(typeName: string): string {
    const name = this.#names.get(typeName) as string;
    const entry = this.#entry(typeName);
    switch (entry['meta-type']) {
      case 'enum':
        return `export type ${name} = ${entry.values.map((v) => `'${v}'`).join(' | ')};`;
      case 'alternate': {
        const choices = entry.members.map((m, i) => this.expr(m.type, `${name}Choice${i + 1}`));
        return `export type ${name} = ${choices.join(' | ')};`;
      }
      case 'object':
        return this.#objectDeclaration(name, entry);
      default:
        throw new Error(`Cannot declare ${typeName} (${entry['meta-type']})`);
    }
  }

  #membersBody(ownerName: string, entry: SchemaObject, skip?: string): string {
    return entry.members
      .filter((m) => m.name !== skip)
      .map((m) => {
        const optional = isOptional(m) ? '?' : '';
        const type = this.expr(m.type, `${ownerName}${pascal(m.name)}`);
        return `${docComment(m.features, '  ')}  ${propertyKey(m.name)}${optional}: ${type};`;
      })
      .join('\n');
  }

  #objectDeclaration(name: string, entry: SchemaObject): string {
    if (!entry.tag || !entry.variants)
      return `export interface ${name} {\n${this.#membersBody(name, entry)}\n}`;
    const tag = entry.tag;
    const tagMember = entry.members.find((m) => m.name === tag);
    const tagEnum = tagMember ? this.#entry(tagMember.type) : undefined;
    const casesByType = new Map<string, string[]>();
    for (const variant of entry.variants) {
      casesByType.set(variant.type, [...(casesByType.get(variant.type) ?? []), variant.case]);
    }
    const branches: string[] = [];
    for (const [variantType, cases] of casesByType) {
      const tagType = cases.map((c) => `'${c}'`).join(' | ');
      const variant = this.#isEmptyObject(variantType)
        ? ''
        : ` & ${this.expr(variantType, `${name}${pascal(cases[0] ?? 'variant')}`)}`;
      branches.push(`({ ${propertyKey(tag)}: ${tagType} }${variant})`);
    }
    const covered = new Set(entry.variants.map((v) => v.case));
    const uncovered = tagEnum?.['meta-type'] === 'enum' ? tagEnum.values.filter((v) => !covered.has(v)) : [];
    if (uncovered.length > 0) {
      branches.push(`{ ${propertyKey(tag)}: ${uncovered.map((v) => `'${v}'`).join(' | ')} }`);
    }
    const base = `export interface ${name}Base {\n${this.#membersBody(name, entry, tag)}\n}`;
    return `${base}\nexport type ${name} = ${name}Base & (\n  | ${branches.join('\n  | ')}\n);`;
  }
}

/** Renders the whole generated module. */
export function generateQapiTypes({ schema, source }: GenerateInput): string {
  const emitter = new TypeScriptEmitter(schema);
  const commands = schema
    .filter((e) => e['meta-type'] === 'command')
    .sort((a, b) => a.name.localeCompare(b.name));
  const events = schema
    .filter((e) => e['meta-type'] === 'event')
    .sort((a, b) => a.name.localeCompare(b.name));

  const commandLines = commands.map((command) => {
    if (command['meta-type'] !== 'command') return '';
    const args = emitter.expr(command['arg-type'], `${pascal(command.name)}Args`);
    const returns = emitter.expr(command['ret-type'], `${pascal(command.name)}Result`);
    return `${docComment(command.features, '  ')}  '${command.name}': { args: ${args}; returns: ${returns} };`;
  });
  const eventLines = events.map((event) => {
    if (event['meta-type'] !== 'event') return '';
    const data = emitter.expr(event['arg-type'], `${pascal(event.name)}Event`);
    return `${docComment(event.features, '  ')}  ${propertyKey(event.name)}: ${data};`;
  });
  const declarations = emitter.declarations();

  return [
    '// Generated by packages/qmp/scripts/generate-types.ts: do not edit by hand.',
    `// Source: ${source}`,
    `// ${commands.length} commands, ${events.length} events, ${declarations.length} named types.`,
    '',
    '/** Every command: its arguments and its result. */',
    'export interface QmpCommands {',
    ...commandLines,
    '}',
    '',
    '/** Every event: the type of its `data`. */',
    'export interface QmpEvents {',
    ...eventLines,
    '}',
    '',
    ...declarations,
    '',
  ].join('\n');
}
