/**
 * Every error of the form at its top, each linking to its field: the bridge may name a field the form shows
 * in a closed section, or one it does not show at all, and a person must still read it. Focused when it
 * appears, so a screen reader hears why nothing was saved.
 */
import { useEffect, useRef } from 'react';
import { type FieldErrors, hasErrors } from './field-errors.ts';
import { fieldId, fieldLabel } from './field-labels.ts';

export function ErrorSummary({ errors, title }: { errors: FieldErrors; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = hasErrors(errors);
  // biome-ignore lint/correctness/useExhaustiveDependencies: every new set of errors (another refused try) is focused again
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown, errors]);
  if (!shown) return null;
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-200"
      data-testid="error-summary"
    >
      <p className="font-medium">{title}</p>
      <ul className="mt-1 list-disc pl-5">
        {Object.entries(errors.fields).map(([key, message]) => (
          <li key={key}>
            <a href={`#${fieldId(key)}`} className="underline">
              {fieldLabel(key)}
            </a>
            : {message}
          </li>
        ))}
        {errors.general.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}
