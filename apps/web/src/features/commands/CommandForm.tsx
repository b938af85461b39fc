/**
 * The generated form of one command: its arguments, checked before Execute sends anything, and for a command
 * that takes more than its schema lists (`device_add`), extra properties. A command the signed-in role may not
 * run can still be read here, but Execute is disabled with the reason.
 */
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { ExtraPropertiesEditor } from './ExtraPropertiesEditor.tsx';
import { buildExtraProperties, type ExtraProperty, takesExtraProperties } from './extra-properties.ts';
import { FieldEditor } from './FieldEditor.tsx';
import {
  activeFields,
  allFields,
  buildArguments,
  type Draft,
  emptyDraft,
  emptyDrafts,
  type FieldError,
  type FormField,
  type ObjectType,
} from './form-model.ts';

interface CommandFormProps {
  name: string;
  form: ObjectType;
  onExecute(args: Record<string, unknown> | undefined): void;
  busy: boolean;
  /** Why the signed-in role may not run this command: Execute is disabled with it, nothing is sent. */
  deniedReason?: string | null;
}

export function CommandForm({ name, form, onExecute, busy, deniedReason }: CommandFormProps) {
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() => emptyDrafts(form));
  const [extras, setExtras] = useState<ExtraProperty[]>([]);
  const takesExtras = takesExtraProperties(name);
  const [errors, setErrors] = useState<readonly FieldError[]>([]);
  const errorMap = new Map(errors.map((error) => [error.path, error.message]));

  const fields = activeFields(form, drafts);
  const required = fields.filter((field) => !field.optional);
  const optional = fields.filter((field) => field.optional);
  // Optional arguments start open: a person (or a script) looking for `node-name` must find it by its label
  // without first discovering a toggle. Folding stays available for long lists such as blockdev-add's.
  const [showOptional, setShowOptional] = useState(true);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (deniedReason) return;
    const reserved = new Set(allFields(form).map((field) => field.name));
    const built = buildArguments(form, drafts, buildExtraProperties(extras, reserved));
    if (!built.ok) {
      setErrors(built.errors);
      const root = (path: string) => path.split(/[.[]/)[0];
      if (built.errors.some((error) => optional.some((field) => field.name === root(error.path)))) {
        setShowOptional(true);
      }
      return;
    }
    setErrors([]);
    onExecute(built.arguments);
  };

  const editor = (field: FormField) => (
    <FieldEditor
      key={field.name}
      field={field}
      draft={drafts[field.name] ?? emptyDraft(field.type, field.optional)}
      onChange={(next) => setDrafts((current) => ({ ...current, [field.name]: next }))}
      errors={errorMap}
      path={field.name}
    />
  );
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" aria-label={`Arguments of ${name}`} noValidate>
      {fields.length === 0 && <p className="text-sm text-zinc-500">{name} takes no arguments.</p>}
      {required.map(editor)}
      {optional.length > 0 && (
        <div className="flex flex-col gap-3">
          <button
            type="button"
            aria-expanded={showOptional}
            onClick={() => setShowOptional((open) => !open)}
            className="self-start rounded text-sm font-medium text-sky-800 hover:underline dark:text-sky-300"
          >
            {showOptional ? 'Hide' : 'Show'} optional arguments ({optional.length})
          </button>
          {showOptional && optional.map(editor)}
        </div>
      )}
      {takesExtras && (
        <ExtraPropertiesEditor command={name} properties={extras} onChange={setExtras} errors={errorMap} />
      )}
      {errors.length > 0 && (
        <div
          role="alert"
          className="rounded-md bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-200"
        >
          Not sent: {errors.map((error) => `${error.path} ${error.message}`).join('; ')}
        </div>
      )}
      <div>
        <Button type="submit" intent="primary" disabled={busy} deniedReason={deniedReason}>
          Execute
        </Button>
      </div>
    </form>
  );
}
