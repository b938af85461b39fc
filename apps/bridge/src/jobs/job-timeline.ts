/**
 * A VM's jobs in its timeline: BRIDGE_JOB_STARTED and BRIDGE_JOB_ENDED, caused by the command (and so the user)
 * that started the job, whenever it ends and whoever's command ends it.
 */
import { BridgeEventName } from '@qmpdeck/protocol';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { JobTimeline } from './job-registry.ts';

export function vmJobTimeline(registry: VmRegistry): JobTimeline {
  return (job, phase, cause) => {
    const vm = job.vm === null ? undefined : registry.get(job.vm);
    if (!vm) return;
    const data =
      phase === 'started'
        ? { job: job.id, kind: job.kind, description: job.description ?? '' }
        : {
            job: job.id,
            kind: job.kind,
            outcome: job.status,
            error: job.error ?? null,
            durationMs: (job.endedAt ?? job.startedAt) - job.startedAt,
          };
    vm.recorder.record({
      event: phase === 'started' ? BridgeEventName.JobStarted : BridgeEventName.JobEnded,
      data,
      source: 'bridge',
      cause,
    });
  };
}
