/**
 * The app's buttons: one look per intent, visible focus, disabled state that reads as such. A button the
 * signed-in person's role may not use gets `deniedReason`: it looks disabled and does nothing, but stays
 * focusable (`aria-disabled`, not `disabled`) so a keyboard or screen reader user can reach it and hear why,
 * from its description; a pointer user reads the same reason on hover.
 */
import { type ButtonHTMLAttributes, useId } from 'react';

type Intent = 'default' | 'primary' | 'danger' | 'quiet';

const INTENTS: Record<Intent, string> = {
  default:
    'bg-white text-zinc-900 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800',
  primary: 'bg-sky-700 text-white hover:bg-sky-600 dark:bg-sky-600 dark:hover:bg-sky-500',
  danger: 'bg-red-700 text-white hover:bg-red-600 dark:bg-red-700 dark:hover:bg-red-600',
  quiet: 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800',
};

const DENIED =
  'cursor-not-allowed bg-zinc-100 text-zinc-400 ring-1 ring-inset ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-600 dark:ring-zinc-800';

/** `compact` is smaller on narrow screens, where a row of several buttons must not take half the page. */
type Size = 'normal' | 'compact' | 'small';
const SIZES: Record<Size, string> = {
  normal: 'px-3 py-1.5 text-sm',
  compact: 'px-2.5 py-1 text-sm sm:px-3 sm:py-1.5',
  small: 'px-2 py-0.5 text-xs',
};

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  intent?: Intent;
  size?: Size;
  /** Why the signed-in person may not use this button; null or absent when they may. */
  deniedReason?: string | null;
};

export function Button({
  intent = 'default',
  size = 'normal',
  className = '',
  type = 'button',
  deniedReason,
  ...props
}: ButtonProps) {
  const reasonId = useId();
  const base = `inline-flex items-center justify-center gap-1 rounded-md font-medium ${SIZES[size]}`;
  if (deniedReason) {
    const { onClick: _onClick, disabled: _disabled, ...rest } = props;
    return (
      <>
        <button
          type={type}
          className={`${base} ${DENIED} ${className}`}
          {...rest}
          aria-disabled="true"
          aria-describedby={props['aria-describedby'] ? `${props['aria-describedby']} ${reasonId}` : reasonId}
          title={deniedReason}
          // Also stops a form's submission: Enter in a field "clicks" its submit button.
          onClick={(event) => event.preventDefault()}
          data-denied=""
        />
        <span id={reasonId} className="sr-only">
          {deniedReason}
        </span>
      </>
    );
  }
  return (
    <button
      type={type}
      className={`${base} disabled:cursor-not-allowed disabled:bg-zinc-100 disabled:text-zinc-400 disabled:ring-zinc-200 dark:disabled:bg-zinc-900 dark:disabled:text-zinc-600 dark:disabled:ring-zinc-800 ${INTENTS[intent]} ${className}`}
      {...props}
    />
  );
}
