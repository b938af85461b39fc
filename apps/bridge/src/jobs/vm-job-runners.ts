/**
 * The job-running bridge actions of every kind (snapshots, memory dumps, backups, hibernation), as one set of runners
 * for the pipeline. Kept apart from VmJobActions, which each kind uses: composing them there made a circle.
 */
import { backupRunners } from '../backups/backup-actions.ts';
import type { BridgeActionRunners } from '../commands/bridge-actions.ts';
import { dumpRunners } from '../dumps/dump-actions.ts';
import { hibernateRunners } from '../hibernate/hibernate-actions.ts';
import { snapshotRunners } from '../snapshots/snapshot-actions.ts';
import type { VmJobActions } from './vm-job-actions.ts';

export function vmJobRunners(jobs: VmJobActions): BridgeActionRunners {
  const { storage, log } = jobs.options;
  return {
    ...snapshotRunners(jobs, jobs.notes),
    ...dumpRunners(jobs, storage),
    ...backupRunners(jobs, storage, jobs.retention, log),
    ...hibernateRunners(jobs, storage),
  };
}
