/**
 * The VM page's Tasks tab: hibernate and memory dump (managed VMs, running), its backups, its snapshots, and its
 * task log (running jobs with progress bars, rate and time left; finished ones with outcome and duration).
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { dumpMemory, hibernate } from '../../api/jobs.ts';
import { Button } from '../../ui/Button.tsx';
import { BackupsSection } from '../backups/BackupsSection.tsx';
import { usePermission } from '../session/usePermission.ts';
import { SnapshotsSection } from '../snapshots/SnapshotsSection.tsx';
import { TaskLog } from './TaskLog.tsx';

function VmJobButtons({ vm }: { vm: Vm }) {
  const can = usePermission();
  const sleep = useMutation({ mutationFn: () => hibernate(vm.id) });
  const dump = useMutation({ mutationFn: () => dumpMemory(vm.id) });
  const running = vm.connection === 'connected';
  const error = sleep.error ?? dump.error;
  return (
    <div className="flex flex-wrap items-center gap-2 px-3 pt-3">
      {vm.managed && running && (
        <Button
          size="small"
          deniedReason={can('vm.hibernate').reason}
          disabled={sleep.isPending}
          onClick={() => sleep.mutate()}
        >
          Hibernate
        </Button>
      )}
      {vm.hibernated && <span className="text-sm">Hibernated: Start restores it where it was.</span>}
      {running && (
        <Button
          size="small"
          deniedReason={can('vm.dump').reason}
          disabled={dump.isPending}
          onClick={() => dump.mutate()}
        >
          Memory dump
        </Button>
      )}
      {error ? <span className="text-sm text-red-700 dark:text-red-300">{error.message}</span> : null}
    </div>
  );
}

export default function TasksTab({ vm }: { vm: Vm }) {
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-auto">
      <VmJobButtons vm={vm} />
      <BackupsSection vm={vm} />
      <SnapshotsSection vm={vm} />
      <section aria-labelledby="tasks-title" className="flex flex-col">
        <h2 id="tasks-title" className="px-3 pt-3 font-semibold">
          Tasks
        </h2>
        <TaskLog vm={vm.id} />
      </section>
    </div>
  );
}
