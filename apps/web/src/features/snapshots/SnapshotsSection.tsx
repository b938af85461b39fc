/**
 * A VM's internal snapshots (disks and RAM, on its qcow2 disks): take one with a name and a description, revert
 * to one (confirmed: the VM's current state is lost), delete one (confirmed).
 */
import type { Snapshot, Vm } from '@qmpdeck/protocol';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { createSnapshot, deleteSnapshot, fetchSnapshots, revertSnapshot } from '../../api/jobs.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { formatBytes } from '../jobs/job-format.ts';
import { usePermission } from '../session/usePermission.ts';

type Pending = { kind: 'revert' | 'delete'; snapshot: Snapshot } | null;

export function SnapshotsSection({ vm }: { vm: Vm }) {
  const can = usePermission();
  const snapshots = useQuery({ queryKey: queryKeys.snapshots(vm.id), queryFn: () => fetchSnapshots(vm.id) });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pending, setPending] = useState<Pending>(null);
  const create = useMutation({
    mutationFn: () => createSnapshot(vm.id, { name, ...(description ? { description } : {}) }),
    onSuccess: () => {
      setName('');
      setDescription('');
    },
  });
  const revert = useMutation({ mutationFn: (snapshot: string) => revertSnapshot(vm.id, snapshot) });
  const remove = useMutation({ mutationFn: (snapshot: string) => deleteSnapshot(vm.id, snapshot) });
  const error = create.error ?? revert.error ?? remove.error ?? snapshots.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="snapshots-title" className="flex flex-col gap-2 p-3">
      <h2 id="snapshots-title" className="font-semibold">
        Snapshots
      </h2>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-xs">
          Name
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]*"
            className="rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <label className="flex flex-col text-xs">
          Description
          <input
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            className="rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <Button
          type="submit"
          size="small"
          intent="primary"
          deniedReason={can('snapshot.create').reason}
          disabled={create.isPending}
        >
          Take snapshot
        </Button>
      </form>
      {error ? <p className="text-sm text-red-700 dark:text-red-300">{error.message}</p> : null}
      {snapshots.data?.length === 0 && <p className="text-sm text-zinc-500">No snapshots.</p>}
      <ul className="flex flex-col gap-1" aria-label="Snapshots">
        {snapshots.data?.map((snapshot) => (
          <li
            key={snapshot.name}
            className="flex flex-wrap items-baseline gap-x-3 text-sm"
            data-testid="snapshot-row"
          >
            <span className="font-medium">{snapshot.name}</span>
            <span className="text-zinc-600 dark:text-zinc-400">
              {snapshot.description ? `${snapshot.description} · ` : ''}
              {new Date(snapshot.time).toLocaleString()}
              {snapshot.vmStateSize > 0 ? ` · RAM ${formatBytes(snapshot.vmStateSize)}` : ' · disks only'}
            </span>
            <Button
              size="small"
              deniedReason={can('snapshot.revert').reason}
              onClick={() => setPending({ kind: 'revert', snapshot })}
            >
              Revert
            </Button>
            <Button
              size="small"
              deniedReason={can('snapshot.delete').reason}
              onClick={() => setPending({ kind: 'delete', snapshot })}
            >
              Delete
            </Button>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'revert'
            ? `Revert to "${pending.snapshot.name}"?`
            : `Delete "${pending?.snapshot.name ?? ''}"?`
        }
        confirmLabel={pending?.kind === 'revert' ? 'Revert' : 'Delete'}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending?.kind === 'revert') revert.mutate(pending.snapshot.name);
          else if (pending) remove.mutate(pending.snapshot.name);
          setPending(null);
        }}
      >
        {pending?.kind === 'revert'
          ? `${vm.name} goes back to the moment of the snapshot, disks and memory: its current state is lost.`
          : 'The snapshot is removed from every disk. This cannot be undone.'}
      </ConfirmDialog>
    </section>
  );
}
