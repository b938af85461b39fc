/**
 * Follows a migration (a hibernation's save, a restore's load) until it ends: `query-migrate` every
 * POLL_EVERY_MS while it runs, at once on MIGRATION events (they need the `events` capability, which the job
 * sets first). The signal cancels it (`migrate_cancel`, through the pipeline) where there is one to cancel.
 */
import type { ReturnOf } from '@qmpdeck/qmp';
import { POLL_EVERY_MS } from './follow-qemu-jobs.ts';
import type { JobProgress } from './job-registry.ts';
import { QemuJobError } from './qemu-job-error.ts';
import type { QemuJobLink } from './qemu-job-link.ts';
import { WakeableSleep } from './wakeable-sleep.ts';

type MigrateQuery = ReturnOf<'query-migrate'>;

/** Turns on MIGRATION events for this QEMU (off by default). */
export function enableMigrationEvents(link: QemuJobLink): Promise<unknown> {
  return link.send('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
}

export async function followMigration(
  link: QemuJobLink,
  progress: JobProgress | null,
  signal: AbortSignal | null,
  pollMs = POLL_EVERY_MS,
): Promise<void> {
  const sleep = new WakeableSleep();
  const stopListening = link.onEvent((event) => {
    if (event.event === 'MIGRATION' || event.event === 'MIGRATION_PASS') sleep.wake();
  });
  const cancel = () => {
    sleep.wake();
    // A migration that ended meanwhile has nothing to cancel (the refusal is in the audit log): the poll sees it.
    link.send('migrate_cancel').catch(() => sleep.wake());
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const state = (await link.query('query-migrate')) as MigrateQuery;
      const ram = state.ram;
      if (ram && progress) progress.progress(ram.transferred, ram.transferred + ram.remaining);
      if (state.status === 'completed') return;
      if (state.status === 'failed') throw new QemuJobError(state['error-desc'] ?? 'the migration failed');
      if (state.status === 'cancelled')
        throw signal?.reason ?? new QemuJobError('the migration was cancelled');
      await sleep.sleep(pollMs);
    }
  } finally {
    stopListening();
    signal?.removeEventListener('abort', cancel);
  }
}
