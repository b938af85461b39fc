/**
 * Maps `@qmpdeck/qmp/schema`'s descriptions of a command onto the form model:
 * QAPI's `value` builtin and self-referencing types become free JSON fields.
 */
import type { CommandDescription, Field, FieldType as SchemaFieldType } from '@qmpdeck/qmp/schema';
import type { FieldType, FormField, ObjectType } from './form-model.ts';

function toFieldType(type: SchemaFieldType): FieldType {
  switch (type.kind) {
    case 'builtin':
      if (type.jsonType === 'value') return { kind: 'any' };
      return { kind: type.jsonType };
    case 'enum':
      return { kind: 'enum', values: type.values };
    case 'array':
      return { kind: 'array', element: toFieldType(type.element) };
    case 'alternate':
      return { kind: 'alternate', choices: type.choices.map(toFieldType) };
    case 'object': {
      const fields = type.fields.map(toFormField);
      return type.union
        ? {
            kind: 'object',
            fields,
            union: {
              tag: type.union.tag,
              variants: type.union.variants.map((v) => ({ case: v.case, fields: v.fields.map(toFormField) })),
            },
          }
        : { kind: 'object', fields };
    }
    case 'recursive':
      return { kind: 'any' };
  }
}

function toFormField(field: Field): FormField {
  return {
    name: field.name,
    optional: field.optional,
    type: toFieldType(field.type),
    deprecated: field.deprecated,
    unstable: field.unstable,
    experimental: field.experimental,
  };
}

/** The form of a command's arguments: one object, a flat union when the command's arguments are one. */
export function commandForm(description: CommandDescription): ObjectType {
  const fields = description.args.map(toFormField);
  if (!description.union) return { kind: 'object', fields };
  return {
    kind: 'object',
    fields,
    union: {
      tag: description.union.tag,
      variants: description.union.variants.map((v) => ({ case: v.case, fields: v.fields.map(toFormField) })),
    },
  };
}
