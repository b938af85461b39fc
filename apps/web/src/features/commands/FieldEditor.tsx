/**
 * One argument of a command form, drawn from its type: text inputs for
 * strings and numbers, a select for enums and optional booleans, a fieldset
 * for nested objects (with a flat union's tag revealing its variant), a list
 * for arrays, a type chooser for alternates. Every input is labelled with the
 * argument's name.
 */
import { useId } from 'react';
import { activeFields, type Draft, emptyDraft, type FieldType, type FormField } from './form-model.ts';

const INPUT =
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-invalid:border-red-600';

export function typeLabel(type: FieldType): string {
  switch (type.kind) {
    case 'enum':
      return 'enum';
    case 'array':
      return `array of ${typeLabel(type.element)}`;
    case 'alternate':
      return type.choices.map(typeLabel).join(' | ');
    case 'recursive':
      // QEMU masks type names in its introspection (`49`): nothing a person could read.
      return 'object';
    default:
      return type.kind;
  }
}

const isDefinition = (type: FieldType) => type.kind === 'object' || type.kind === 'recursive';

/**
 * What each choice of an alternate means to a person. A string beside an object is nearly always a reference to
 * something that exists by that name (a block node, a bitmap): "reference by name" or "define it here".
 */
export function choiceLabel(type: Extract<FieldType, { kind: 'alternate' }>, index: number): string {
  const choice = type.choices[index];
  if (!choice) return '?';
  const hasDefinition = type.choices.some(isDefinition);
  if (hasDefinition && choice.kind === 'string') return 'reference by name (string)';
  if (hasDefinition && isDefinition(choice)) return 'define it here (object)';
  return typeLabel(choice);
}

function Tags({ field }: { field: FormField }) {
  return (
    <span className="ml-2 inline-flex gap-1 text-[0.7rem] font-normal text-zinc-500">
      <span>{typeLabel(field.type)}</span>
      {field.optional && <span>· optional</span>}
      {field.deprecated && <span className="text-amber-700 dark:text-amber-400">· deprecated</span>}
      {field.unstable && <span className="text-amber-700 dark:text-amber-400">· unstable</span>}
      {field.experimental && <span className="text-amber-700 dark:text-amber-400">· experimental</span>}
    </span>
  );
}

interface EditorProps {
  field: FormField;
  draft: Draft;
  onChange(draft: Draft): void;
  errors: ReadonlyMap<string, string>;
  path: string;
  /** An object drawn inside its alternate's box: its members only, without a second box of the same name. */
  bare?: boolean;
}

export function FieldEditor({ field, draft, onChange, errors, path, bare = false }: EditorProps) {
  const id = useId();
  const error = errors.get(path);
  const errorId = `${id}-error`;
  const described = error ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};
  const errorLine = error && (
    <span id={errorId} className="text-xs text-red-700 dark:text-red-400">
      {field.name} {error}
    </span>
  );
  const type = field.type;

  if (type.kind === 'recursive') {
    return (
      <FieldEditor
        field={{ ...field, type: type.expand() }}
        draft={draft}
        onChange={onChange}
        errors={errors}
        path={path}
        bare={bare}
      />
    );
  }

  if (type.kind === 'object' && draft.kind === 'object') {
    const members = activeFields(type, draft.fields).map((child) => (
      <FieldEditor
        key={child.name}
        field={child}
        draft={draft.fields[child.name] ?? emptyDraft(child.type, child.optional)}
        onChange={(next) => onChange({ ...draft, fields: { ...draft.fields, [child.name]: next } })}
        errors={errors}
        path={path ? `${path}.${child.name}` : child.name}
      />
    ));
    if (bare) return <div className="flex flex-col gap-2">{members}</div>;
    return (
      <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
        <legend className="px-1 font-mono text-sm font-medium">
          {field.name}
          <Tags field={field} />
        </legend>
        {field.optional && (
          <label className="flex items-center gap-2 text-xs">
            <input
              type="checkbox"
              checked={draft.present}
              onChange={(event) => onChange({ ...draft, present: event.target.checked })}
            />
            include {field.name}
          </label>
        )}
        {draft.present && members}
        {errorLine}
      </fieldset>
    );
  }

  if (type.kind === 'array' && draft.kind === 'array') {
    const element: FormField = { name: `${field.name} item`, optional: false, type: type.element };
    return (
      <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
        <legend className="px-1 font-mono text-sm font-medium">
          {field.name}
          <Tags field={field} />
        </legend>
        {draft.items.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: items have no identity but their place
          <div key={index} className="flex items-start gap-2">
            <div className="flex-1">
              <FieldEditor
                field={{ ...element, name: `${field.name}[${index}]` }}
                draft={item}
                onChange={(next) =>
                  onChange({
                    ...draft,
                    present: true,
                    items: draft.items.map((old, i) => (i === index ? next : old)),
                  })
                }
                errors={errors}
                path={`${path}[${index}]`}
              />
            </div>
            <button
              type="button"
              className="mt-5 rounded px-2 py-1 text-xs ring-1 ring-zinc-300 dark:ring-zinc-700"
              onClick={() => onChange({ ...draft, items: draft.items.filter((_, i) => i !== index) })}
            >
              Remove {field.name}[{index}]
            </button>
          </div>
        ))}
        <button
          type="button"
          className="self-start rounded px-2 py-1 text-xs ring-1 ring-zinc-300 dark:ring-zinc-700"
          onClick={() =>
            onChange({ ...draft, present: true, items: [...draft.items, emptyDraft(type.element, false)] })
          }
        >
          Add to {field.name}
        </button>
        {errorLine}
      </fieldset>
    );
  }

  if (type.kind === 'alternate' && draft.kind === 'alternate') {
    const chosen = draft.choice === null ? null : type.choices[draft.choice];
    return (
      <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
        <legend className="px-1 font-mono text-sm font-medium">
          {field.name}
          <Tags field={field} />
        </legend>
        <span className="flex flex-col text-xs">
          <label htmlFor={`${id}-choice`}>type of {field.name}</label>
          <select
            id={`${id}-choice`}
            className={INPUT}
            value={draft.choice ?? ''}
            onChange={(event) => {
              if (event.target.value === '')
                return onChange({ kind: 'alternate', choice: null, value: null });
              const choice = Number(event.target.value);
              // The chosen one is set: its own members start as for a required field.
              onChange({
                kind: 'alternate',
                choice,
                value: emptyDraft(type.choices[choice] ?? { kind: 'any' }, false),
              });
            }}
            {...(chosen ? {} : described)}
          >
            {field.optional && <option value="">(not set)</option>}
            {type.choices.map((_, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the choices of a type never change order
              <option key={index} value={index}>
                {choiceLabel(type, index)}
              </option>
            ))}
          </select>
        </span>
        {chosen && draft.value && (
          <FieldEditor
            field={{ name: field.name, optional: false, type: chosen }}
            draft={draft.value}
            onChange={(value) => onChange({ ...draft, value })}
            errors={errors}
            path={path}
            bare
          />
        )}
        {!chosen && errorLine}
      </fieldset>
    );
  }

  const label = (
    <span className="font-mono text-sm font-medium text-zinc-800 dark:text-zinc-200">{field.name}</span>
  );

  if (type.kind === 'boolean' && draft.kind === 'bool') {
    // Three states, required or not: a required boolean has no default anyone could send by not looking.
    return (
      <div className="flex flex-col">
        <span>
          <label htmlFor={id}>{label}</label>
          <Tags field={field} />
        </span>
        <select
          id={id}
          className={INPUT}
          value={draft.value === null ? '' : String(draft.value)}
          onChange={(event) =>
            onChange({
              kind: 'bool',
              value: event.target.value === '' ? null : event.target.value === 'true',
            })
          }
          {...described}
        >
          <option value="">{field.optional ? '(not set)' : '(choose true or false)'}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
        {errorLine}
      </div>
    );
  }

  const text = draft.kind === 'text' ? draft.text : '';
  const setText = (value: string) => onChange({ kind: 'text', text: value });
  return (
    <div className="flex flex-col">
      <span>
        <label htmlFor={id}>{label}</label>
        <Tags field={field} />
      </span>
      {type.kind === 'enum' ? (
        <select
          id={id}
          className={INPUT}
          value={text}
          onChange={(event) => setText(event.target.value)}
          {...described}
        >
          <option value="">{field.optional ? '(not set)' : '(choose)'}</option>
          {type.values.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      ) : type.kind === 'null' ? (
        <span className="font-mono text-xs text-zinc-500">null</span>
      ) : (
        <input
          id={id}
          className={INPUT}
          value={text}
          inputMode={type.kind === 'int' || type.kind === 'number' ? 'decimal' : undefined}
          placeholder={type.kind === 'any' ? 'JSON value' : ''}
          onChange={(event) => setText(event.target.value)}
          {...described}
        />
      )}
      {errorLine}
    </div>
  );
}
