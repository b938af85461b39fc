/** A titled block of the info panel with its loading and error states. */
import type { ReactNode } from 'react';
import type { RequestError } from '../../api/request-error.ts';

interface InfoSectionProps {
  title: string;
  state: { isPending: boolean; error: RequestError | null; isFetching?: boolean };
  children: ReactNode;
}

export function InfoSection({ title, state, children }: InfoSectionProps) {
  return (
    <section
      aria-label={title}
      className="flex min-w-0 flex-col gap-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <h2 className="text-sm font-semibold">{title}</h2>
      {state.error ? (
        <p className="text-sm text-red-700 dark:text-red-400">
          {state.error.class}: {state.error.desc}
        </p>
      ) : state.isPending ? (
        <p className="text-sm text-zinc-500">Loading…</p>
      ) : (
        children
      )}
    </section>
  );
}

/** A two-column list of label/value pairs. */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
          <dd className="min-w-0 break-words font-mono text-xs leading-5">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
