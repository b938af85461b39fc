/**
 * The command form's model: the shape of each argument (from the QEMU schema),
 * what the person typed (a Draft, kept as text so half-typed numbers survive),
 * and `buildArguments`, which turns drafts into the QMP `arguments` object or
 * says exactly which field is wrong and why, before anything is sent. Only what
 * the person chose is sent: a required boolean or alternate needs an explicit
 * choice, and nothing optional goes out unless it was set.
 */

export type FieldType =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'any' }
  | { kind: 'null' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; fields: readonly FormField[]; union?: FlatUnion }
  | { kind: 'array'; element: FieldType }
  | { kind: 'alternate'; choices: readonly FieldType[] }
  /** A type that contains itself (a block node's `file` is a block node): expanded when it is opened. */
  | { kind: 'recursive'; typeName: string; expand(): FieldType };

/** An object whose `tag` member's value selects which variant's members are added. */
export type ObjectType = Extract<FieldType, { kind: 'object' }>;

export interface FlatUnion {
  tag: string;
  variants: readonly { case: string; fields: readonly FormField[] }[];
}

export interface FormField {
  name: string;
  optional: boolean;
  type: FieldType;
  deprecated?: boolean;
  unstable?: boolean;
  /** Name starts with `x-`. */
  experimental?: boolean;
}

export type Draft =
  | { kind: 'text'; text: string }
  | { kind: 'bool'; value: boolean | null }
  | { kind: 'object'; present: boolean; fields: Readonly<Record<string, Draft>> }
  | { kind: 'array'; present: boolean; items: readonly Draft[] }
  /** `choice` null: none chosen yet (an optional alternate starts so, and is then not sent). */
  | { kind: 'alternate'; choice: number | null; value: Draft | null };

export interface FieldError {
  /** Dotted path of the field, e.g. `options.driver` or `files[2]`. */
  path: string;
  message: string;
}

/**
 * The choice a required alternate starts with: the first that is not a whole nested definition (a block node's
 * `file` starts as a reference by name, which is what most people mean and needs no form of forty drivers).
 */
export function defaultChoice(type: Extract<FieldType, { kind: 'alternate' }>): number {
  const simple = type.choices.findIndex((choice) => choice.kind !== 'recursive' && choice.kind !== 'object');
  return simple === -1 ? 0 : simple;
}

export function emptyDraft(type: FieldType, optional: boolean): Draft {
  switch (type.kind) {
    case 'boolean':
      // Never a default: an unticked box would send `false` nobody chose (`set_link` would take the link down).
      return { kind: 'bool', value: null };
    case 'object':
      return { kind: 'object', present: !optional, fields: emptyFields(type) };
    case 'recursive':
      // Its members are drafted when it is opened: drafting them now would never end.
      return { kind: 'object', present: !optional, fields: {} };
    case 'array':
      return { kind: 'array', present: !optional, items: [] };
    case 'alternate': {
      if (optional) return { kind: 'alternate', choice: null, value: null };
      const choice = defaultChoice(type);
      return { kind: 'alternate', choice, value: emptyDraft(type.choices[choice] ?? { kind: 'any' }, false) };
    }
    default:
      return { kind: 'text', text: '' };
  }
}

/** Every member an object may have: its own and each variant's (a draft keeps them all; only the chosen ones are sent). */
export function allFields(type: ObjectType): FormField[] {
  const variantFields = type.union?.variants.flatMap((variant) => variant.fields) ?? [];
  const byName = new Map<string, FormField>();
  for (const field of [...type.fields, ...variantFields])
    if (!byName.has(field.name)) byName.set(field.name, field);
  return [...byName.values()];
}

function emptyFields(type: ObjectType): Record<string, Draft> {
  return Object.fromEntries(
    allFields(type).map((field) => [field.name, emptyDraft(field.type, field.optional)]),
  );
}

/** The members shown and sent for an object: its own, then the variant its tag selects. */
export function activeFields(
  type: ObjectType,
  fields: Readonly<Record<string, Draft>>,
): readonly FormField[] {
  if (!type.union) return type.fields;
  const tagDraft = fields[type.union.tag];
  const tag = tagDraft?.kind === 'text' ? tagDraft.text : '';
  const variant = type.union.variants.find((item) => item.case === tag);
  return variant
    ? [...type.fields, ...variant.fields.filter((f) => !type.fields.some((g) => g.name === f.name))]
    : type.fields;
}

type Built = { value: unknown; omitted: boolean };

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

function buildText(
  type: FieldType,
  text: string,
  optional: boolean,
  path: string,
  errors: FieldError[],
): Built {
  const trimmed = text.trim();
  if (trimmed === '' && type.kind !== 'null') {
    if (!optional) errors.push({ path, message: 'is required' });
    return { value: undefined, omitted: true };
  }
  switch (type.kind) {
    case 'int': {
      const value = Number(trimmed);
      if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(value)) {
        errors.push({ path, message: 'must be a whole number' });
      }
      return { value, omitted: false };
    }
    case 'number': {
      const value = Number(trimmed);
      if (!Number.isFinite(value)) errors.push({ path, message: 'must be a number' });
      return { value, omitted: false };
    }
    case 'enum':
      if (!type.values.includes(text))
        errors.push({ path, message: `must be one of ${type.values.join(', ')}` });
      return { value: text, omitted: false };
    case 'any':
      try {
        return { value: JSON.parse(trimmed), omitted: false };
      } catch {
        errors.push({ path, message: 'must be JSON' });
        return { value: undefined, omitted: true };
      }
    case 'null':
      return { value: null, omitted: false };
    default:
      return { value: text, omitted: false };
  }
}

function buildValue(
  type: FieldType,
  draft: Draft,
  optional: boolean,
  path: string,
  errors: FieldError[],
): Built {
  if (type.kind === 'recursive') return buildValue(type.expand(), draft, optional, path, errors);
  if (type.kind === 'object' && draft.kind === 'object') {
    if (!draft.present) {
      if (!optional) errors.push({ path, message: 'is required' });
      return { value: undefined, omitted: true };
    }
    return { value: buildObject(type, draft.fields, path, errors), omitted: false };
  }
  if (type.kind === 'array' && draft.kind === 'array') {
    if (!draft.present) {
      if (!optional) errors.push({ path, message: 'is required' });
      return { value: undefined, omitted: true };
    }
    // An optional list emptied again was not set.
    if (optional && draft.items.length === 0) return { value: undefined, omitted: true };
    const value = draft.items.map(
      (item, index) => buildValue(type.element, item, false, `${path}[${index}]`, errors).value,
    );
    return { value, omitted: false };
  }
  if (type.kind === 'alternate' && draft.kind === 'alternate') {
    const choice = draft.choice === null ? undefined : type.choices[draft.choice];
    if (!choice || !draft.value) {
      if (!optional) errors.push({ path, message: 'needs a choice of what to give' });
      return { value: undefined, omitted: true };
    }
    return buildValue(choice, draft.value, optional, path, errors);
  }
  if (type.kind === 'boolean' && draft.kind === 'bool') {
    if (draft.value === null) {
      if (!optional) errors.push({ path, message: 'needs a choice: true or false' });
      return { value: undefined, omitted: true };
    }
    return { value: draft.value, omitted: false };
  }
  if (draft.kind === 'text') return buildText(type, draft.text, optional, path, errors);
  errors.push({ path, message: 'does not match its type' });
  return { value: undefined, omitted: true };
}

function buildObject(
  type: ObjectType,
  fields: Readonly<Record<string, Draft>>,
  path: string,
  errors: FieldError[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of activeFields(type, fields)) {
    const draft = fields[field.name] ?? emptyDraft(field.type, field.optional);
    const built = buildValue(field.type, draft, field.optional, join(path, field.name), errors);
    if (!built.omitted) result[field.name] = built.value;
  }
  return result;
}

export type BuildResult =
  | { ok: true; arguments: Record<string, unknown> | undefined }
  | { ok: false; errors: FieldError[] };

/**
 * The `arguments` of the command from the form, or every field error; `undefined` when there are none to send.
 * `extra` are members the schema does not list (a `device_add` driver's properties), already checked.
 */
export function buildArguments(
  root: ObjectType,
  drafts: Readonly<Record<string, Draft>>,
  extra: { value: Record<string, unknown>; errors: readonly FieldError[] } = { value: {}, errors: [] },
): BuildResult {
  const errors: FieldError[] = [];
  const value = { ...buildObject(root, drafts, '', errors), ...extra.value };
  errors.push(...extra.errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, arguments: Object.keys(value).length > 0 ? value : undefined };
}

export function emptyDrafts(root: ObjectType): Record<string, Draft> {
  return emptyFields(root);
}
