/**
 * Follows QEMU jobs (block jobs and the generic ones: backup, snapshot-save/load/delete) until they conclude:
 * `query-jobs` every POLL_EVERY_MS while they run, and at once when one of their events comes
 * (JOB_STATUS_CHANGE, BLOCK_JOB_*), so the progress bar moves smoothly and the end is seen without delay. Several
 * ids make one job (a grouped backup of all disks): their progress is summed. Concluded jobs are dismissed (the
 * jobs are started with auto-dismiss off, so their error can be read first). Drain noise (`paused`/`running` pairs
 * at every block command) is not a pause: only the registry's pause says paused.
 *
 * The AbortSignal cancels them (`job-cancel`, through the pipeline); the follow then ends with the signal's reason
 * once QEMU has concluded them.
 */
import type { JobControls, JobProgress } from './job-registry.ts';
import { QemuJobError } from './qemu-job-error.ts';
import type { QemuJobLink } from './qemu-job-link.ts';
import { WakeableSleep } from './wakeable-sleep.ts';

/** Often enough for a smooth bar (well under the 250 ms the lag goal allows), no more. */
export const POLL_EVERY_MS = 200;

interface QueriedJob {
  id: string;
  type: string;
  status: string;
  'current-progress': number;
  'total-progress': number;
  error?: string;
}

const JOB_EVENTS = new Set([
  'JOB_STATUS_CHANGE',
  'BLOCK_JOB_COMPLETED',
  'BLOCK_JOB_CANCELLED',
  'BLOCK_JOB_ERROR',
  'BLOCK_JOB_READY',
  'BLOCK_JOB_PENDING',
]);

/** Pause and resume of these QEMU jobs, through the pipeline. */
export function qemuJobControls(link: QemuJobLink, ids: readonly string[]): JobControls {
  const each = async (command: string) => {
    for (const id of ids) await link.send(command, { id });
  };
  return { pause: () => each('job-pause'), resume: () => each('job-resume') };
}

export async function followQemuJobs(
  link: QemuJobLink,
  ids: readonly string[],
  progress: JobProgress,
  signal: AbortSignal,
  pollMs = POLL_EVERY_MS,
): Promise<void> {
  const sleep = new WakeableSleep();
  const stopListening = link.onEvent((event) => {
    if (!JOB_EVENTS.has(event.event)) return;
    const data = (event.data ?? {}) as { id?: string; device?: string };
    if (ids.includes(data.id ?? data.device ?? '')) sleep.wake();
  });
  const cancel = () => {
    sleep.wake();
    for (const id of ids) {
      // A job that concluded meanwhile refuses the verb (its refusal is in the audit log): it ends as it ended,
      // which the next poll sees.
      link.send('job-cancel', { id }).catch(() => sleep.wake());
    }
  };
  signal.addEventListener('abort', cancel, { once: true });
  let mine: QueriedJob[] = [];
  try {
    for (;;) {
      const all = (await link.query('query-jobs')) as QueriedJob[];
      mine = all.filter((job) => ids.includes(job.id));
      const total = mine.reduce((sum, job) => sum + job['total-progress'], 0);
      if (total > 0)
        progress.progress(
          mine.reduce((sum, job) => sum + job['current-progress'], 0),
          total,
        );
      if (ids.every((id) => isOver(mine.find((job) => job.id === id)))) break;
      await sleep.sleep(pollMs);
    }
  } finally {
    stopListening();
    signal.removeEventListener('abort', cancel);
  }
  for (const job of mine) await link.send('job-dismiss', { id: job.id });
  if (signal.aborted) throw signal.reason;
  const errors = [...new Set(mine.flatMap((job) => (job.error ? [job.error] : [])))];
  if (errors.length > 0) throw new QemuJobError(errors.join('; '));
}

/** Concluded, or gone (dismissed by someone else, or never listed: nothing more to learn). */
function isOver(job: QueriedJob | undefined): boolean {
  return job === undefined || job.status === 'concluded' || job.status === 'null';
}
