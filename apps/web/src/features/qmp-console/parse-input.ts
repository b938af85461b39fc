/**
 * Reads a line of the QMP console: raw QMP JSON (`{"execute": ..., "arguments": ...}`)
 * or qmp-shell style `command key=value ...`, where a dotted key (`a.b=1`) builds
 * a nested object. A value takes the type the command's schema gives its
 * argument (`name=1` stays the string "1" where the schema says str; `size=1024`
 * is a number where it says int; `up=true` a boolean where it says bool); an
 * argument the schema does not know is JSON when it parses as JSON, else a string.
 */
import { allFields, type FieldType, type FormField, type ObjectType } from '../commands/form-model.ts';
export type ConsoleRequest = { execute: string; arguments?: Record<string, unknown> };
export type ParseResult = { ok: true; request: ConsoleRequest } | { ok: false; error: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(line: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isRecord(value) || typeof value.execute !== 'string' || value.execute === '') {
    return { ok: false, error: 'A QMP command is an object with an "execute" string' };
  }
  // A complete QMP message as pasted from docs carries an `id`; QMP accepts it, so the console does too. It is
  // not sent: the bridge correlates the answer with an id of its own.
  const extra = Object.keys(value).filter((key) => key !== 'execute' && key !== 'arguments' && key !== 'id');
  if (extra.length > 0) return { ok: false, error: `Unexpected member ${extra.join(', ')}` };
  if (value.arguments !== undefined && !isRecord(value.arguments)) {
    return { ok: false, error: '"arguments" must be an object' };
  }
  return {
    ok: true,
    request: value.arguments
      ? { execute: value.execute, arguments: value.arguments }
      : { execute: value.execute },
  };
}

/** Splits on spaces outside quotes and braces, so `a={"x": 1}` and `b="two words"` stay one token. */
function tokens(line: string): string[] | string {
  const result: string[] = [];
  let current = '';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote) {
      current += char;
      if (char === '\\' && i + 1 < line.length) current += line[++i];
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    if (/\s/.test(char) && depth === 0) {
      if (current) result.push(current);
      current = '';
    } else current += char;
  }
  if (quote) return 'A quote is not closed';
  if (depth !== 0) return 'A bracket is not closed';
  if (current) result.push(current);
  return result;
}

/** The form of a command's arguments, from the VM's schema, or null when the console does not know it. */
export type FormOf = (command: string) => ObjectType | null;

/** A value as typed, when the schema does not say what it is. */
function guessedValue(text: string): unknown {
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function quoted(text: string): string | null {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return String(JSON.parse(text));
    } catch {
      return text.slice(1, -1);
    }
  }
  return null;
}

type Coerced = { value: unknown } | { problem: string };

function jsonOf(text: string, kind: 'object' | 'array'): Coerced {
  try {
    const value: unknown = JSON.parse(text);
    const fits =
      kind === 'array' ? Array.isArray(value) : typeof value === 'object' && value && !Array.isArray(value);
    return fits ? { value } : { problem: `must be a JSON ${kind}` };
  } catch {
    return { problem: `must be a JSON ${kind}` };
  }
}

/** A typed value as the schema's type wants it, or why it cannot be. */
function coerce(text: string, type: FieldType): Coerced {
  const literal = quoted(text);
  switch (type.kind) {
    case 'string':
    case 'enum':
      return { value: literal ?? text };
    case 'int':
      return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))
        ? { value: Number(text) }
        : { problem: 'must be a whole number' };
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text))
        ? { value: Number(text) }
        : { problem: 'must be a number' };
    case 'boolean':
      return text === 'true' || text === 'false'
        ? { value: text === 'true' }
        : { problem: 'must be true or false' };
    case 'null':
      return text === 'null' ? { value: null } : { problem: 'must be null' };
    case 'object':
    case 'array':
      return jsonOf(text, type.kind);
    case 'recursive':
      return coerce(text, type.expand());
    case 'alternate':
      return coerceAlternate(text, type.choices);
    default:
      return { value: literal ?? guessedValue(text) };
  }
}

/** The first choice the text fits, trying the typed ones before a plain string (`1` is an int if one is offered). */
function coerceAlternate(text: string, choices: readonly FieldType[]): Coerced {
  const textual = choices.find((choice) => choice.kind === 'string' || choice.kind === 'enum');
  if (quoted(text) !== null && textual) return coerce(text, textual);
  for (const choice of choices) {
    if (choice === textual) continue;
    const result = coerce(text, choice);
    if ('value' in result) return result;
  }
  if (textual) return coerce(text, textual);
  return { problem: 'fits none of its types' };
}

/** The type the schema gives the member at `path` (through nested objects), or null when it does not know it. */
function typeAt(form: ObjectType, path: readonly string[]): FieldType | null {
  let type: FieldType = form;
  for (const key of path) {
    if (type.kind === 'recursive') type = type.expand();
    // Along a dotted path an alternate can only be its object form (`file.driver=file`).
    if (type.kind === 'alternate') {
      const object: FieldType | undefined = type.choices.find(
        (c) => c.kind === 'object' || c.kind === 'recursive',
      );
      if (!object) return null;
      type = object.kind === 'recursive' ? object.expand() : object;
    }
    if (type.kind !== 'object') return null;
    const field: FormField | undefined = allFields(type).find((member) => member.name === key);
    if (!field) return null;
    type = field.type;
  }
  return type;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): string | null {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key] ?? {};
    if (!isRecord(next)) return `${path.join('.')} conflicts with a value given before`;
    node[key] = next;
    node = next;
  }
  const last = path[path.length - 1] as string;
  if (last in node) return `${path.join('.')} is given twice`;
  node[last] = value;
  return null;
}

function parseShell(line: string, formOf?: FormOf): ParseResult {
  const parts = tokens(line);
  if (typeof parts === 'string') return { ok: false, error: parts };
  const [execute, ...pairs] = parts;
  if (!execute) return { ok: false, error: 'Type a command' };
  if (!/^[A-Za-z_][\w-]*$/.test(execute)) return { ok: false, error: `"${execute}" is not a command name` };
  const form = formOf?.(execute) ?? null;
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return { ok: false, error: `"${pair}" is not key=value` };
    const path = pair.slice(0, equals).split('.');
    const text = pair.slice(equals + 1);
    const type = form ? typeAt(form, path) : null;
    const coerced = type ? coerce(text, type) : { value: guessedValue(text) };
    if ('problem' in coerced) return { ok: false, error: `${path.join('.')} ${coerced.problem}` };
    const problem = setPath(args, path, coerced.value);
    if (problem) return { ok: false, error: problem };
  }
  return { ok: true, request: pairs.length > 0 ? { execute, arguments: args } : { execute } };
}

export function parseConsoleInput(input: string, formOf?: FormOf): ParseResult {
  const line = input.trim();
  if (line === '') return { ok: false, error: 'Type a command' };
  return line.startsWith('{') ? parseJson(line) : parseShell(line, formOf);
}

/** Completes the command name being typed: the single match, or the longest prefix all matches share. */
export function completeCommand(
  input: string,
  names: readonly string[],
): { text: string; matches: string[] } {
  if (/\s/.test(input.trimStart()) || input.trimStart().startsWith('{')) return { text: input, matches: [] };
  const typed = input.trim();
  const matches = names.filter((name) => name.startsWith(typed));
  if (matches.length === 0) return { text: input, matches };
  if (matches.length === 1) return { text: `${matches[0]} `, matches };
  let prefix = matches[0] as string;
  for (const name of matches) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return { text: prefix, matches };
}
