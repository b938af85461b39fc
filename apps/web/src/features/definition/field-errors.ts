/**
 * Errors keyed by the field they name. The bridge names the field at the start of a `BadRequest`'s desc
 * (`disks[0].size: expected bytes...`, or zod's `disks.0.size: ...`, several joined by "; ", sometimes after
 * "invalid body: "); the page's own check of a draft names it by zod's path. Both become the same key, the
 * path joined with dots (`disks.0.size`), which is also how the form names its fields.
 */
export interface FieldErrors {
  /** By field key (`name`, `disks.0.size`, `nics.0.forwards.1.hostPort`). */
  fields: Record<string, string>;
  /** What names no field. */
  general: string[];
}

export const NO_ERRORS: FieldErrors = { fields: {}, general: [] };

export function fieldKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** `disks[0].size` and `disks.0.size` alike: a dotted or bracketed path followed by ": ". */
const NAMED = /^((?:[A-Za-z_][\w-]*|\[\d+\])(?:\.[\w-]+|\[\d+\])*)\s*:\s+([\s\S]+)$/;
const PREFIX = /^invalid (?:body|request body|definition)\s*:\s*/i;

function keyOfPath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

function add(errors: FieldErrors, key: string, message: string): void {
  // The first message for a field is the one shown; a second about the same field adds little.
  if (errors.fields[key] === undefined) errors.fields[key] = message;
}

export function fieldErrorsFromDesc(desc: string): FieldErrors {
  const errors: FieldErrors = { fields: {}, general: [] };
  for (const part of desc.replace(PREFIX, '').split(/;\s+/)) {
    const match = NAMED.exec(part.trim());
    if (match?.[1] && match[2]) add(errors, keyOfPath(match[1]), match[2].trim());
    else if (part.trim()) errors.general.push(part.trim());
  }
  return errors;
}

export function fieldErrorsFromIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const errors: FieldErrors = { fields: {}, general: [] };
  for (const issue of issues) {
    if (issue.path.length === 0) errors.general.push(issue.message);
    else add(errors, fieldKey(issue.path), issue.message);
  }
  return errors;
}

export function mergeErrors(a: FieldErrors, b: FieldErrors): FieldErrors {
  return { fields: { ...b.fields, ...a.fields }, general: [...a.general, ...b.general] };
}

export function hasErrors(errors: FieldErrors): boolean {
  return errors.general.length > 0 || Object.keys(errors.fields).length > 0;
}
