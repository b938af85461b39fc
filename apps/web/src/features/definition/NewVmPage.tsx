/**
 * New VM (`/vms/new`): the definition form with sensible defaults, so a name, an ISO and Create make a VM that
 * boots its installer. Create sends only what differs from the protocol's defaults; the bridge's refusal is
 * shown next to the field it names. Then, unless unticked, the VM is started (as Cockpit does), and the page
 * goes to the new VM.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { queryKeys } from '../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../api/request-error.ts';
import { createVm } from '../../api/vms.ts';
import { useExecute } from '../../live/useExecute.ts';
import { Button } from '../../ui/Button.tsx';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { usePermission } from '../session/usePermission.ts';
import { formErrorsOf } from './bridge-answer.ts';
import { DefinitionForm } from './DefinitionForm.tsx';
import { type DefinitionDraft, newVmDraft } from './definition-draft.ts';
import { requestFromDraft } from './definition-request.ts';
import { ErrorSummary } from './ErrorSummary.tsx';
import { type FieldErrors, hasErrors, NO_ERRORS } from './field-errors.ts';
import { NOTHING_LOCKED } from './live-fields.ts';

/** `/vms/new` is this page: a VM with the id "new" could never be opened. */
export const RESERVED_IDS = new Set(['new']);

interface Outcome {
  vm: Vm;
  /** Set when the VM was made but starting it was refused. */
  startError: RequestError | null;
}

export default function NewVmPage() {
  usePageTitle('New VM');
  const can = usePermission();
  const execute = useExecute();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<DefinitionDraft>(newVmDraft);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [startAfter, setStartAfter] = useState(true);
  const startDenied = can('vm.start').reason;

  const create = useMutation<
    Outcome,
    RequestError,
    { request: ReturnType<typeof requestFromDraft>['request']; start: boolean }
  >({
    mutationFn: async ({ request, start }) => {
      const vm = await createVm(request);
      // Listed at once, before its `vm` message: the page it goes to finds it.
      queryClient.setQueryData<Vm[]>(queryKeys.vms(), (list) =>
        list ? [...list.filter((item) => item.id !== vm.id), vm] : list,
      );
      queryClient.setQueryData<Vm>(queryKeys.vm(vm.id), vm);
      if (!start) return { vm, startError: null };
      try {
        await execute({ vm: vm.id, target: 'bridge', execute: 'vm.start', origin: 'New VM form' });
        return { vm, startError: null };
      } catch (error) {
        return { vm, startError: toRequestError(error) };
      }
    },
    onSuccess: ({ vm, startError }) => {
      // QEMU's own refusal to start (a bad argument, no KVM) is on the VM page; a refused request stays here.
      if (!startError) navigate(`/vms/${encodeURIComponent(vm.id)}`);
    },
    onError: (error) => setErrors(formErrorsOf(error)),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (can('vm.create').reason) return;
    const { request, errors: found } = requestFromDraft(draft);
    const reserved = RESERVED_IDS.has(request.id)
      ? { fields: { id: `"${request.id}" is the address of this page; choose another id` }, general: [] }
      : NO_ERRORS;
    const all = { fields: { ...reserved.fields, ...found.fields }, general: found.general };
    setErrors(all);
    if (hasErrors(all)) return;
    create.mutate({ request, start: startAfter && !startDenied });
  };

  const outcome = create.data;
  return (
    <main className="mx-auto flex w-full max-w-4xl flex-col gap-3 p-3 sm:p-4">
      <div className="flex items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">New VM</h1>
        <Link href="/" className="text-sm text-sky-700 underline dark:text-sky-400">
          Back to all VMs
        </Link>
      </div>
      <form onSubmit={submit} noValidate aria-label="New VM" className="flex flex-col gap-3">
        <ErrorSummary errors={errors} title="The VM was not created:" />
        <DefinitionForm
          draft={draft}
          change={(update) => setDraft(update)}
          errors={errors}
          locked={NOTHING_LOCKED}
          vmId={null}
        />
        <div className="sticky bottom-0 flex flex-wrap items-center gap-3 border-t border-zinc-200 bg-white py-3 dark:border-zinc-800 dark:bg-zinc-950">
          <label className="flex items-center gap-2 text-sm" title={startDenied ?? undefined}>
            <input
              type="checkbox"
              className="h-4 w-4"
              checked={startAfter && !startDenied}
              disabled={Boolean(startDenied)}
              onChange={(event) => setStartAfter(event.target.checked)}
            />
            Start after creating
          </label>
          <Button
            type="submit"
            intent="primary"
            disabled={create.isPending}
            deniedReason={can('vm.create').reason}
          >
            {create.isPending ? 'Creating…' : 'Create'}
          </Button>
          {outcome?.startError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              Created{' '}
              <Link href={`/vms/${encodeURIComponent(outcome.vm.id)}`} className="underline">
                {outcome.vm.name}
              </Link>
              , but starting it was refused: {outcome.startError.class}: {outcome.startError.desc}
            </p>
          )}
        </div>
      </form>
    </main>
  );
}
