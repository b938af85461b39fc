/**
 * A VM's backups: one button backs up all its disks (a job: its progress shows in the task log below), the list
 * with time, size and who made each, and restore (over the stopped VM's disks) and delete, both confirmed.
 */
import type { Backup, Vm } from '@qmpdeck/protocol';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { deleteBackup, fetchBackups, restoreBackup, startBackup } from '../../api/jobs.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { formatBytes } from '../jobs/job-format.ts';
import { usePermission } from '../session/usePermission.ts';
import { RetentionControl } from './RetentionControl.tsx';

type Pending = { kind: 'restore' | 'delete'; backup: Backup } | null;

const MiB = 1024 * 1024;
/** How fast a backup may read the disks (QEMU's `speed`): a busy guest keeps its disk bandwidth. */
const SPEEDS = [
  { label: 'No limit', value: 0 },
  { label: '100 MiB/s', value: 100 * MiB },
  { label: '20 MiB/s', value: 20 * MiB },
  { label: '5 MiB/s', value: 5 * MiB },
];

export function BackupsSection({ vm }: { vm: Vm }) {
  const can = usePermission();
  const backups = useQuery({ queryKey: queryKeys.backups(vm.id), queryFn: () => fetchBackups(vm.id) });
  const [speed, setSpeed] = useState(0);
  const [incremental, setIncremental] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      startBackup(vm.id, { ...(speed > 0 ? { speed } : {}), ...(incremental ? { incremental } : {}) }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteBackup(vm.id, id),
    onSuccess: () => backups.refetch(),
  });
  const restore = useMutation({ mutationFn: (id: string) => restoreBackup(vm.id, id) });
  const [pending, setPending] = useState<Pending>(null);
  const error = create.error ?? remove.error ?? restore.error;
  return (
    <section aria-labelledby="backups-title" className="flex flex-col gap-2 p-3">
      <div className="flex items-center gap-3">
        <h2 id="backups-title" className="font-semibold">
          Backups
        </h2>
        <Button
          intent="primary"
          size="small"
          deniedReason={can('backup.create').reason}
          disabled={create.isPending}
          onClick={() => create.mutate()}
        >
          Back up now
        </Button>
        <label className="flex items-center gap-1 text-xs">
          <input
            type="checkbox"
            checked={incremental}
            onChange={(event) => setIncremental(event.target.checked)}
          />
          Only changes since the last backup
        </label>
        <label className="flex items-center gap-1 text-xs">
          Speed limit
          <select
            value={speed}
            onChange={(event) => setSpeed(Number(event.target.value))}
            className="rounded border border-zinc-300 px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
          >
            {SPEEDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <RetentionControl vmId={vm.id} onChanged={() => backups.refetch()} />
      {error ? <p className="text-sm text-red-700 dark:text-red-300">{error.message}</p> : null}
      {backups.data?.length === 0 && <p className="text-sm text-zinc-500">No backups yet.</p>}
      <ul className="flex flex-col gap-1" aria-label="Backups">
        {backups.data?.map((backup) => (
          <li
            key={backup.id}
            className="flex flex-wrap items-baseline gap-x-3 text-sm"
            data-testid="backup-row"
          >
            <span>{new Date(backup.time).toLocaleString()}</span>
            <span className="text-zinc-600 dark:text-zinc-400">
              {backup.incremental ? 'incremental · ' : ''}
              {formatBytes(backup.size)} · {backup.disks.length} disk{backup.disks.length === 1 ? '' : 's'} ·{' '}
              {backup.user ? `by ${backup.user}` : 'by nobody signed in'}
            </span>
            <Button
              size="small"
              deniedReason={can('backup.restore').reason}
              onClick={() => setPending({ kind: 'restore', backup })}
            >
              Restore
            </Button>
            <Button
              size="small"
              deniedReason={can('backup.delete').reason}
              onClick={() => setPending({ kind: 'delete', backup })}
            >
              Delete
            </Button>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'restore' ? 'Restore this backup?' : 'Delete this backup?'}
        confirmLabel={pending?.kind === 'restore' ? 'Restore over the disks' : 'Delete'}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending?.kind === 'restore') restore.mutate(pending.backup.id);
          else if (pending) remove.mutate(pending.backup.id);
          setPending(null);
        }}
      >
        {pending?.kind === 'restore'
          ? `The disks of ${vm.name} are overwritten with the backup of ${pending ? new Date(pending.backup.time).toLocaleString() : ''}. Everything written since is lost. The VM must be stopped.`
          : 'Its images are removed from the storage location. This cannot be undone.'}
      </ConfirmDialog>
    </section>
  );
}
