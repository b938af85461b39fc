/**
 * Maps `@qmpdeck/qmp/schema`'s descriptions of a command onto the form model:
 * QAPI's `value` builtin becomes a free JSON field; a type that contains itself
 * (a block node's `file`, which is a block node) becomes a field expanded from
 * the schema when it is opened, so it gets a real form instead of a JSON box.
 */
import {
  type CommandDescription,
  describeCommand,
  describeType,
  type Field,
  type FieldType as SchemaFieldType,
  type SchemaInfo,
} from '@qmpdeck/qmp/schema';
import type { FieldType, FormField, ObjectType } from './form-model.ts';

type Schema = readonly SchemaInfo[];

/** A self-containing type, expanded once on first use (forms of several fields may open the same one). */
function recursive(typeName: string, schema: Schema): FieldType {
  let expanded: FieldType | null = null;
  return {
    kind: 'recursive',
    typeName,
    expand: () => {
      expanded ??= toFieldType(describeType(schema, typeName), schema);
      return expanded;
    },
  };
}

function toFieldType(type: SchemaFieldType, schema: Schema): FieldType {
  switch (type.kind) {
    case 'builtin':
      if (type.jsonType === 'value') return { kind: 'any' };
      return { kind: type.jsonType };
    case 'enum':
      return { kind: 'enum', values: type.values };
    case 'array':
      return { kind: 'array', element: toFieldType(type.element, schema) };
    case 'alternate':
      return { kind: 'alternate', choices: type.choices.map((choice) => toFieldType(choice, schema)) };
    case 'object': {
      const fields = type.fields.map((field) => toFormField(field, schema));
      return type.union
        ? {
            kind: 'object',
            fields,
            union: {
              tag: type.union.tag,
              variants: type.union.variants.map((v) => ({
                case: v.case,
                fields: v.fields.map((field) => toFormField(field, schema)),
              })),
            },
          }
        : { kind: 'object', fields };
    }
    case 'recursive':
      return recursive(type.typeName, schema);
  }
}

function toFormField(field: Field, schema: Schema): FormField {
  return {
    name: field.name,
    optional: field.optional,
    type: toFieldType(field.type, schema),
    deprecated: field.deprecated,
    unstable: field.unstable,
    experimental: field.experimental,
  };
}

/** The form of a command's arguments: one object, a flat union when the command's arguments are one. */
export function commandForm(description: CommandDescription, schema: Schema): ObjectType {
  const fields = description.args.map((field) => toFormField(field, schema));
  if (!description.union) return { kind: 'object', fields };
  return {
    kind: 'object',
    fields,
    union: {
      tag: description.union.tag,
      variants: description.union.variants.map((v) => ({
        case: v.case,
        fields: v.fields.map((field) => toFormField(field, schema)),
      })),
    },
  };
}

/**
 * Every command's form on demand, each built once: for the console, which types what it reads by the schema.
 * A name the schema does not have gets null (QEMU answers it with CommandNotFound; nothing to type by).
 */
export function formsOf(schema: Schema): (command: string) => ObjectType | null {
  const forms = new Map<string, ObjectType | null>();
  const known = new Set(
    schema.filter((entry) => entry['meta-type'] === 'command').map((entry) => entry.name),
  );
  return (command) => {
    if (!known.has(command)) return null;
    let form = forms.get(command);
    if (form === undefined) {
      form = commandForm(describeCommand(schema, command), schema);
      forms.set(command, form);
    }
    return form;
  };
}
