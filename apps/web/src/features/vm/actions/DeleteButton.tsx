/**
 * Delete a stopped VM the bridge defined. The confirmation names every disk image it would remove, and keeps
 * them by default; removing them too asks for the VM's id typed out, as GitHub asks before deleting a
 * repository. ISOs in its CD-ROM drives are never removed (other VMs may use them).
 */
import type { Vm, VmDefinition } from '@qmpdeck/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useLocation } from 'wouter';
import { fetchDefinition } from '../../../api/definitions.ts';
import { queryKeys } from '../../../api/queryKeys.ts';
import type { RequestError } from '../../../api/request-error.ts';
import { type DiskDisposal, deleteVm } from '../../../api/vms.ts';
import { Button } from '../../../ui/Button.tsx';
import { formatBytes } from '../../../ui/bytes.ts';
import { Dialog } from '../../../ui/Dialog.tsx';
import { INPUT } from '../../definition/FormField.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { processRunning } from './vm-actions.ts';

/** The disk images a definition names (`STORAGE:FILE`); a disk not made yet has none. */
export function diskImages(definition: VmDefinition): string[] {
  return definition.disks.flatMap((disk) => (disk.image ? [disk.image] : []));
}

function DiskList({ definition, disposal }: { definition: VmDefinition; disposal: DiskDisposal }) {
  const images = diskImages(definition);
  if (images.length === 0) return <p>It has no disk images.</p>;
  return (
    <>
      <p className={disposal === 'delete' ? 'font-medium text-red-700 dark:text-red-400' : ''}>
        {disposal === 'delete'
          ? `These disk images will be deleted (${images.length}):`
          : `Its disk images stay in storage (${images.length}):`}
      </p>
      <ul className="list-disc pl-5 font-mono text-xs" aria-label="Disk images" data-testid="delete-disks">
        {images.map((image) => (
          <li key={image}>{image}</li>
        ))}
        {definition.disks
          .filter((disk) => !disk.image && disk.size)
          .map((disk, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: disks not made yet have nothing but their place
            <li key={index}>a new {formatBytes(disk.size ?? 0)} disk, not made yet</li>
          ))}
      </ul>
    </>
  );
}

export function DeleteButton({ vm }: { vm: Vm }) {
  const can = usePermission();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const ids = { confirm: useId() };
  const [open, setOpen] = useState(false);
  const [disks, setDisks] = useState<DiskDisposal>('keep');
  const [typed, setTyped] = useState('');
  const definition = useQuery({
    queryKey: queryKeys.definition(vm.id),
    queryFn: () => fetchDefinition(vm.id),
    enabled: open,
  });
  const remove = useMutation<unknown, RequestError, DiskDisposal>({
    mutationFn: (disposal) => deleteVm(vm.id, disposal),
    onSuccess: () => {
      setOpen(false);
      navigate('/');
      queryClient.setQueryData<Vm[]>(queryKeys.vms(), (list) => list?.filter((item) => item.id !== vm.id));
      queryClient.removeQueries({ queryKey: queryKeys.vm(vm.id) });
      queryClient.invalidateQueries({ queryKey: queryKeys.storageLocations() });
    },
  });
  const running = processRunning(vm);
  const confirmed = disks === 'keep' || typed === vm.id;
  const openDialog = () => {
    remove.reset();
    setDisks('keep');
    setTyped('');
    setOpen(true);
  };

  return (
    <>
      <Button
        size="compact"
        intent="danger"
        disabled={running}
        title={running ? 'Stop the VM to delete it' : undefined}
        deniedReason={can('vm.delete').reason}
        onClick={openDialog}
      >
        Delete…
      </Button>
      <Dialog open={open} title={`Delete ${vm.name}?`} onClose={() => setOpen(false)}>
        <p>
          The VM <span className="font-mono">{vm.id}</span> and its definition are removed.
        </p>
        {definition.isPending && <p className="text-zinc-500">Reading its disks…</p>}
        {definition.error && (
          <p role="alert" className="text-red-700 dark:text-red-400">
            Cannot read its disks: {definition.error.message}
          </p>
        )}
        {definition.data && <DiskList definition={definition.data} disposal={disks} />}
        <fieldset className="flex flex-col gap-1">
          <legend className="sr-only">Its disk images</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="disks" checked={disks === 'keep'} onChange={() => setDisks('keep')} />
            Keep the disk images in storage
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="disks"
              checked={disks === 'delete'}
              onChange={() => setDisks('delete')}
            />
            Delete the disk images too
          </label>
        </fieldset>
        {disks === 'delete' && (
          <label htmlFor={ids.confirm} className="flex flex-col gap-0.5 text-xs font-medium">
            <span>
              Type <span className="font-mono">{vm.id}</span> to delete it and its disks
            </span>
            <input
              id={ids.confirm}
              value={typed}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => setTyped(event.target.value)}
              className={`${INPUT} font-mono`}
            />
          </label>
        )}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          ISOs in its CD-ROM drives are never deleted.
        </p>
        {remove.error && (
          <p role="alert" className="text-red-700 dark:text-red-400">
            {remove.error.class}: {remove.error.desc}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button autoFocus onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            intent="danger"
            disabled={!confirmed || remove.isPending}
            deniedReason={can('vm.delete').reason}
            onClick={() => remove.mutate(disks)}
          >
            {disks === 'delete' ? 'Delete VM and disks' : 'Delete VM'}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
