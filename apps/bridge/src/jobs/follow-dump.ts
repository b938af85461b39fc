/**
 * Follows a detached `dump-guest-memory` until it ends: `query-dump` every POLL_EVERY_MS while it runs (bytes
 * written of the total), at once on DUMP_COMPLETED, whose `error` says why a failed dump failed. QEMU 7.2 cannot
 * cancel a dump: the job says so (`cancellable: false`) and this follow ignores its signal.
 */
import type { ReturnOf } from '@qmpdeck/qmp';
import { POLL_EVERY_MS } from './follow-qemu-jobs.ts';
import type { JobProgress } from './job-registry.ts';
import { QemuJobError } from './qemu-job-error.ts';
import type { QemuJobLink } from './qemu-job-link.ts';
import { WakeableSleep } from './wakeable-sleep.ts';

type DumpQuery = ReturnOf<'query-dump'>;

export async function followDump(
  link: QemuJobLink,
  progress: JobProgress,
  pollMs = POLL_EVERY_MS,
): Promise<void> {
  const sleep = new WakeableSleep();
  let failure: string | null = null;
  const stopListening = link.onEvent((event) => {
    if (event.event !== 'DUMP_COMPLETED') return;
    const error = (event.data as { error?: string } | undefined)?.error;
    if (error) failure = error;
    sleep.wake();
  });
  try {
    for (;;) {
      const dump = (await link.query('query-dump')) as DumpQuery;
      if (dump.total > 0) progress.progress(dump.completed, dump.total);
      if (dump.status === 'completed') return;
      if (dump.status === 'failed') throw new QemuJobError(failure ?? 'QEMU says the dump failed');
      await sleep.sleep(pollMs);
    }
  } finally {
    stopListening();
  }
}
