/** The app's buttons: one look per intent, visible focus, disabled state that reads as such. */
import type { ButtonHTMLAttributes } from 'react';

type Intent = 'default' | 'primary' | 'danger' | 'quiet';

const INTENTS: Record<Intent, string> = {
  default:
    'bg-white text-zinc-900 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800',
  primary: 'bg-sky-700 text-white hover:bg-sky-600 dark:bg-sky-600 dark:hover:bg-sky-500',
  danger: 'bg-red-700 text-white hover:bg-red-600 dark:bg-red-700 dark:hover:bg-red-600',
  quiet: 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800',
};

/** `compact` is smaller on narrow screens, where a row of several buttons must not take half the page. */
type Size = 'normal' | 'compact' | 'small';
const SIZES: Record<Size, string> = {
  normal: 'px-3 py-1.5 text-sm',
  compact: 'px-2.5 py-1 text-sm sm:px-3 sm:py-1.5',
  small: 'px-2 py-0.5 text-xs',
};

export function Button({
  intent = 'default',
  size = 'normal',
  className = '',
  type = 'button',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { intent?: Intent; size?: Size }) {
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1 rounded-md font-medium ${SIZES[size]} disabled:cursor-not-allowed disabled:bg-zinc-100 disabled:text-zinc-400 disabled:ring-zinc-200 dark:disabled:bg-zinc-900 dark:disabled:text-zinc-600 dark:disabled:ring-zinc-800 ${INTENTS[intent]} ${className}`}
      {...props}
    />
  );
}
