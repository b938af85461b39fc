/**
 * The definition form's building blocks. A `FormField` ties a control to its label, its hint, its error (from
 * the page's check or the bridge's answer) and, on a running VM, why it cannot change now; the control gets
 * its id, `aria-invalid` and `aria-describedby` from the field, so each error is read out with its control.
 */
import type { ReactNode } from 'react';
import { fieldId } from './field-labels.ts';

export interface ControlProps {
  id: string;
  disabled: boolean;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
  title: string | undefined;
}

export interface FormFieldProps {
  fieldKey: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  /** Why it cannot change now; null when it can. */
  locked?: string | null;
  /** Checkboxes put their label after the box. */
  inline?: boolean;
  className?: string;
  children(control: ControlProps): ReactNode;
}

export const INPUT =
  'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 disabled:bg-zinc-100 disabled:text-zinc-500 aria-[invalid=true]:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-400';

export function FormField({
  fieldKey,
  label,
  hint,
  error,
  locked,
  inline,
  className = '',
  children,
}: FormFieldProps) {
  const id = fieldId(fieldKey);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const control = children({
    id,
    disabled: Boolean(locked),
    'aria-invalid': Boolean(error),
    'aria-describedby': [errorId, hintId].filter(Boolean).join(' ') || undefined,
    title: locked ?? undefined,
  });
  return (
    <div className={`flex flex-col gap-0.5 ${className}`}>
      {inline ? (
        <label htmlFor={id} className="flex items-center gap-2 text-sm">
          {control}
          {label}
        </label>
      ) : (
        <>
          <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
            {label}
          </label>
          {control}
        </>
      )}
      {hint && (
        <span id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className="text-xs text-red-700 dark:text-red-400" data-testid="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** A group of fields with a legend, and the reason once for all of them when none can change now. */
export function FormSection({
  legend,
  locked,
  children,
}: {
  legend: string;
  locked?: string | null;
  children: ReactNode;
}) {
  return (
    <fieldset className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-semibold">{legend}</legend>
      {locked && <p className="-mt-1 text-xs text-amber-800 dark:text-amber-300">{locked}</p>}
      {children}
    </fieldset>
  );
}
