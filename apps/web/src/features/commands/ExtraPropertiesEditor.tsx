/**
 * The extra key/value members of a command that takes more than its schema
 * lists (`device_add`: its driver's properties). Each row: a name, a type
 * (string, number, boolean, JSON) and a value; checked before sending.
 */
import { useId } from 'react';
import {
  EXTRA_TYPES,
  type ExtraProperty,
  type ExtraType,
  emptyExtra,
  extraPath,
} from './extra-properties.ts';

const INPUT =
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-invalid:border-red-600';

interface ExtraPropertiesEditorProps {
  command: string;
  properties: readonly ExtraProperty[];
  onChange(properties: ExtraProperty[]): void;
  errors: ReadonlyMap<string, string>;
}

function PropertyRow({
  index,
  property,
  onChange,
  onRemove,
  error,
}: {
  index: number;
  property: ExtraProperty;
  onChange(property: ExtraProperty): void;
  onRemove(): void;
  error: string | undefined;
}) {
  const id = useId();
  const n = index + 1;
  const invalid = error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
  return (
    <li className="flex flex-col gap-1">
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-28 flex-1 flex-col text-xs">
          property {n} name
          <input
            className={INPUT}
            value={property.key}
            placeholder="e.g. mac"
            onChange={(event) => onChange({ ...property, key: event.target.value })}
            {...invalid}
          />
        </label>
        <label className="flex flex-col text-xs">
          property {n} type
          <select
            className={INPUT}
            value={property.type}
            onChange={(event) => onChange({ ...property, type: event.target.value as ExtraType, text: '' })}
          >
            {EXTRA_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <span className="flex min-w-28 flex-1 flex-col text-xs">
          <label htmlFor={`${id}-value`}>property {n} value</label>
          {property.type === 'boolean' ? (
            <select
              id={`${id}-value`}
              className={INPUT}
              value={property.text}
              onChange={(event) => onChange({ ...property, text: event.target.value })}
              {...invalid}
            >
              <option value="">(choose true or false)</option>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : (
            <input
              id={`${id}-value`}
              className={INPUT}
              value={property.text}
              inputMode={property.type === 'number' ? 'decimal' : undefined}
              placeholder={property.type === 'json' ? 'JSON value' : ''}
              onChange={(event) => onChange({ ...property, text: event.target.value })}
              {...invalid}
            />
          )}
        </span>
        <button
          type="button"
          className="rounded px-2 py-1 text-xs ring-1 ring-zinc-300 dark:ring-zinc-700"
          onClick={onRemove}
        >
          Remove property {n}
        </button>
      </div>
      {error && (
        <span id={`${id}-error`} className="text-xs text-red-700 dark:text-red-400">
          {error}
        </span>
      )}
    </li>
  );
}

export function ExtraPropertiesEditor({ command, properties, onChange, errors }: ExtraPropertiesEditorProps) {
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">More properties</legend>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        <code>{command}</code> also takes any property of its driver (for a network card, e.g.{' '}
        <code>mac</code>).
      </p>
      {properties.length > 0 && (
        <ul className="flex flex-col gap-2">
          {properties.map((property, index) => (
            <PropertyRow
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
              key={index}
              index={index}
              property={property}
              error={errors.get(extraPath(index))}
              onChange={(next) => onChange(properties.map((old, i) => (i === index ? next : old)))}
              onRemove={() => onChange(properties.filter((_, i) => i !== index))}
            />
          ))}
        </ul>
      )}
      <button
        type="button"
        className="self-start rounded px-2 py-1 text-xs ring-1 ring-zinc-300 dark:ring-zinc-700"
        onClick={() => onChange([...properties, emptyExtra()])}
      >
        Add a property
      </button>
    </fieldset>
  );
}
