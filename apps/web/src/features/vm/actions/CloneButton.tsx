/**
 * Clone: a full copy of a stopped VM's disks (qemu-img convert, by the bridge) under a new id and name, with a
 * new MAC. The bridge lists the clone at once and answers with the job copying its disks; the dialog follows
 * that job's progress from its `job` messages until the clone can be opened.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'wouter';
import { queryKeys } from '../../../api/queryKeys.ts';
import type { RequestError } from '../../../api/request-error.ts';
import { type CloneAnswer, cloneVm } from '../../../api/vms.ts';
import { Button } from '../../../ui/Button.tsx';
import { Dialog } from '../../../ui/Dialog.tsx';
import { INPUT } from '../../definition/FormField.tsx';
import { fieldErrorsFromDesc } from '../../definition/field-errors.ts';
import { JobProgress } from '../../jobs/JobProgress.tsx';
import { useJob } from '../../jobs/useJob.ts';
import { useVms } from '../../overview/useVms.ts';
import { usePermission } from '../../session/usePermission.ts';
import { processRunning } from './vm-actions.ts';

/** `web-clone`, or `web-clone-2`... when taken. */
export function freeCloneId(id: string, taken: ReadonlySet<string>): string {
  const base = `${id}-clone`.slice(0, 128);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 120)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function CloneProgress({ answer, onOpen }: { answer: CloneAnswer; onOpen(): void }) {
  const job = useJob(answer.job.id) ?? answer.job;
  return (
    <div className="flex flex-col gap-2">
      <JobProgress job={job} title={`Copying the disks of ${answer.vm.name}`} />
      {job.status === 'done' && (
        <p role="status">
          <Link
            href={`/vms/${encodeURIComponent(answer.vm.id)}`}
            onClick={onOpen}
            className="text-sky-700 underline dark:text-sky-400"
          >
            Open {answer.vm.name}
          </Link>
        </p>
      )}
    </div>
  );
}

export function CloneButton({ vm }: { vm: Vm }) {
  const can = usePermission();
  const queryClient = useQueryClient();
  const vms = useVms();
  const ids = { id: useId(), name: useId(), error: useId() };
  const [open, setOpen] = useState(false);
  const [newId, setNewId] = useState('');
  const [name, setName] = useState('');
  const clone = useMutation<CloneAnswer, RequestError, { id: string; name?: string }>({
    mutationFn: (request) => cloneVm(vm.id, request),
    onSuccess: ({ vm: copy }) =>
      queryClient.setQueryData<Vm[]>(queryKeys.vms(), (list) =>
        list ? [...list.filter((item) => item.id !== copy.id), copy] : list,
      ),
  });
  const running = processRunning(vm);

  const openDialog = () => {
    clone.reset();
    setNewId(freeCloneId(vm.id, new Set((vms.data ?? []).map((item) => item.id))));
    setName(`${vm.name} (clone)`);
    setOpen(true);
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    clone.mutate(name.trim() ? { id: newId.trim(), name: name.trim() } : { id: newId.trim() });
  };
  const fieldErrors = clone.error?.class === 'BadRequest' ? fieldErrorsFromDesc(clone.error.desc).fields : {};
  const idError = clone.error?.class === 'VmExists' ? clone.error.desc : fieldErrors.id;
  const otherError = clone.error && !idError ? `${clone.error.class}: ${clone.error.desc}` : null;

  return (
    <>
      <Button
        size="compact"
        disabled={running}
        title={
          running ? 'Stop the VM to clone it: its disks are copied while nothing writes to them' : undefined
        }
        deniedReason={can('vm.clone').reason}
        onClick={openDialog}
      >
        Clone…
      </Button>
      <Dialog open={open} title={`Clone ${vm.name}`} onClose={() => setOpen(false)}>
        {clone.data ? (
          <CloneProgress answer={clone.data} onOpen={() => setOpen(false)} />
        ) : (
          <form onSubmit={submit} className="flex flex-col gap-3" aria-label="Clone">
            <p>
              Every disk is copied in full; the clone gets its own MAC address. CD-ROM media are shared, not
              copied.
            </p>
            <label htmlFor={ids.id} className="flex flex-col gap-0.5 text-xs font-medium">
              New ID
              <input
                id={ids.id}
                value={newId}
                onChange={(event) => setNewId(event.target.value)}
                aria-invalid={Boolean(idError)}
                aria-describedby={idError ? ids.error : undefined}
                className={`${INPUT} font-mono`}
                spellCheck={false}
              />
            </label>
            {idError && (
              <span id={ids.error} className="text-xs text-red-700 dark:text-red-400">
                {idError}
              </span>
            )}
            <label htmlFor={ids.name} className="flex flex-col gap-0.5 text-xs font-medium">
              Name
              <input
                id={ids.name}
                value={name}
                onChange={(event) => setName(event.target.value)}
                className={INPUT}
              />
            </label>
            {otherError && (
              <p role="alert" className="text-red-700 dark:text-red-400">
                {otherError}
              </p>
            )}
            <div className="flex justify-end gap-2">
              <Button onClick={() => setOpen(false)}>Cancel</Button>
              <Button
                type="submit"
                intent="primary"
                disabled={clone.isPending}
                deniedReason={can('vm.clone').reason}
              >
                {clone.isPending ? 'Cloning…' : 'Clone'}
              </Button>
            </div>
          </form>
        )}
        {clone.data && (
          <div className="flex justify-end">
            <Button onClick={() => setOpen(false)}>Close</Button>
          </div>
        )}
      </Dialog>
    </>
  );
}
