/**
 * Reads a line of the QMP console: raw QMP JSON (`{"execute": ..., "arguments": ...}`)
 * or qmp-shell style `command key=value ...`, where a value is JSON when it
 * parses as JSON (numbers, true/false, objects) and a string otherwise, and a
 * dotted key (`a.b=1`) builds a nested object.
 */
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

function shellValue(text: string): unknown {
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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

function parseShell(line: string): ParseResult {
  const parts = tokens(line);
  if (typeof parts === 'string') return { ok: false, error: parts };
  const [execute, ...pairs] = parts;
  if (!execute) return { ok: false, error: 'Type a command' };
  if (!/^[A-Za-z_][\w-]*$/.test(execute)) return { ok: false, error: `"${execute}" is not a command name` };
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return { ok: false, error: `"${pair}" is not key=value` };
    const problem = setPath(args, pair.slice(0, equals).split('.'), shellValue(pair.slice(equals + 1)));
    if (problem) return { ok: false, error: problem };
  }
  return { ok: true, request: pairs.length > 0 ? { execute, arguments: args } : { execute } };
}

export function parseConsoleInput(input: string): ParseResult {
  const line = input.trim();
  if (line === '') return { ok: false, error: 'Type a command' };
  return line.startsWith('{') ? parseJson(line) : parseShell(line);
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
