/** What became of a row's last action: waiting (with what it waits for), or the error in the bridge's words. */
import type { RequestError } from '../../../api/request-error.ts';

export function ActionOutcome({
  pending,
  waiting,
  error,
}: {
  pending: boolean;
  waiting: string;
  error: RequestError | null;
}) {
  if (pending)
    return (
      <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
        {waiting}
      </p>
    );
  if (error)
    return (
      <p role="alert" className="text-xs text-red-700 dark:text-red-400">
        {error.class}: {error.desc}
      </p>
    );
  return null;
}
