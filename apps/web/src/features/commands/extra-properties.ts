/**
 * Members a command takes beyond what its schema lists. `device_add` lists
 * only `driver`, `bus` and `id`, yet takes every property of its driver
 * (`mac=...`, `vectors=...`): the form lets a person add them as key/value
 * pairs, each typed as a string, number, boolean or JSON, checked before sending.
 */
import type { QmpCommandName } from '@qmpdeck/qmp';
import type { FieldError } from './form-model.ts';

/** Commands that accept members their schema does not list. */
export const OPEN_COMMANDS: ReadonlySet<QmpCommandName> = new Set<QmpCommandName>(['device_add']);

export function takesExtraProperties(command: string): boolean {
  return (OPEN_COMMANDS as ReadonlySet<string>).has(command);
}

export type ExtraType = 'string' | 'number' | 'boolean' | 'json';
export const EXTRA_TYPES: readonly ExtraType[] = ['string', 'number', 'boolean', 'json'];

export interface ExtraProperty {
  key: string;
  type: ExtraType;
  /** As typed; for a boolean `true`, `false` or '' (not chosen yet). */
  text: string;
}

export const emptyExtra = (): ExtraProperty => ({ key: '', type: 'string', text: '' });

export const extraPath = (index: number) => `properties[${index}]`;

function parseValue(property: ExtraProperty): { value: unknown } | { problem: string } {
  const text = property.text.trim();
  switch (property.type) {
    case 'string':
      return { value: property.text };
    case 'number': {
      const value = Number(text);
      return text !== '' && Number.isFinite(value) ? { value } : { problem: 'must be a number' };
    }
    case 'boolean':
      return text === 'true' || text === 'false'
        ? { value: text === 'true' }
        : { problem: 'needs a choice: true or false' };
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { problem: 'must be JSON' };
      }
  }
}

/** Why a property cannot be sent, or null once it is added to `value`. */
function problemOf(
  property: ExtraProperty,
  reserved: ReadonlySet<string>,
  value: Record<string, unknown>,
): string | null {
  const key = property.key.trim();
  if (key === '') return 'needs a property name';
  if (reserved.has(key)) return `"${key}" has its own field above`;
  if (Object.hasOwn(value, key)) return `"${key}" is given twice`;
  const parsed = parseValue(property);
  if ('problem' in parsed) return `${key} ${parsed.problem}`;
  value[key] = parsed.value;
  return null;
}

/** The extra members as an object, or why each bad one is bad; `reserved` are the schema's own member names. */
export function buildExtraProperties(
  properties: readonly ExtraProperty[],
  reserved: ReadonlySet<string>,
): { value: Record<string, unknown>; errors: FieldError[] } {
  const value: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  properties.forEach((property, index) => {
    const problem = problemOf(property, reserved, value);
    if (problem) errors.push({ path: extraPath(index), message: problem });
  });
  return { value, errors };
}
