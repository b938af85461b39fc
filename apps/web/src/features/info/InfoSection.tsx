/**
 * A titled block of the info panel with its loading and error states. An error offers Retry, and says when the
 * section retries by itself (a timeout or a lost link passes; see useQmpQuery).
 */
import type { ReactNode } from 'react';
import type { RequestError } from '../../api/request-error.ts';
import { Button } from '../../ui/Button.tsx';
import { isPassingError } from './useQmpQuery.ts';

export interface SectionState {
  isPending: boolean;
  error: RequestError | null;
  /** Why the signed-in role may not run the section's query; it was not sent. */
  denied?: string | null;
  isFetching?: boolean;
  retry(): void;
}

interface InfoSectionProps {
  title: string;
  state: SectionState;
  children: ReactNode;
}

/** A query's state as a section shows it. */
export function queryState(query: {
  isPending: boolean;
  error: RequestError | null;
  isFetching: boolean;
  refetch: () => unknown;
  denied?: string | null;
}): SectionState {
  return {
    denied: query.denied ?? null,
    isPending: query.isPending,
    error: query.error,
    isFetching: query.isFetching,
    retry: () => void query.refetch(),
  };
}

export function InfoSection({ title, state, children }: InfoSectionProps) {
  return (
    <section
      aria-label={title}
      className="flex min-w-0 flex-col gap-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <h2 className="text-sm font-semibold">{title}</h2>
      {state.denied ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="section-denied">
          Not shown: {state.denied}.
        </p>
      ) : state.error ? (
        <div className="flex flex-col items-start gap-1" role="alert">
          <p className="text-sm text-red-700 dark:text-red-400">
            {state.error.class}: {state.error.desc}
          </p>
          <p className="flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
            <Button intent="default" size="small" onClick={state.retry} disabled={state.isFetching}>
              Retry
            </Button>
            {state.isFetching
              ? 'asking QEMU again…'
              : isPassingError(state.error)
                ? 'Retrying by itself, and as soon as QEMU answers again.'
                : ''}
          </p>
        </div>
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
