/**
 * A VM's Settings tab: for a VM the bridge defined, the definition form filled from `GET .../definition`.
 * While its QEMU runs only what can change live is editable (name, description, autostart, CD-ROM media), the
 * rest is shown with "Stop the VM to change this", and the live-only controls (balloon, NIC link) appear. VMs
 * from the config file (or discovered) have no definition here: they are read-only, and the tab says why.
 */
import type { Vm, VmDefinition } from '@qmpdeck/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { fetchDefinition, updateDefinition } from '../../api/definitions.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { Button } from '../../ui/Button.tsx';
import { usePermission } from '../session/usePermission.ts';
import { processRunning } from '../vm/actions/vm-actions.ts';
import { formErrorsOf } from './bridge-answer.ts';
import { DefinitionForm } from './DefinitionForm.tsx';
import { type DefinitionDraft, draftFromDefinition } from './definition-draft.ts';
import { requestFromDraft } from './definition-request.ts';
import { ErrorSummary } from './ErrorSummary.tsx';
import { type FieldErrors, hasErrors, NO_ERRORS } from './field-errors.ts';
import { LiveControls } from './LiveControls.tsx';
import { lockedWhileRunning, NOTHING_LOCKED } from './live-fields.ts';

function NotDefined({ vm }: { vm: Vm }) {
  return (
    <div className="flex max-w-2xl flex-col gap-2 p-4 text-sm" data-testid="settings-read-only">
      <p className="font-medium">
        {vm.origin === 'discovered' ? 'A discovered VM' : 'A VM from the config file'}
      </p>
      <p className="text-zinc-700 dark:text-zinc-300">
        {vm.origin === 'discovered'
          ? 'Its QEMU was started outside QMP Deck; the bridge found its QMP socket. Its settings are whatever that QEMU was started with: change them where it is started.'
          : "Its QEMU command line is in the bridge's config file (its launch arguments), which the dashboard does not change: edit the config and restart the bridge. VMs made with New VM can be edited here."}
      </p>
    </div>
  );
}

/** The request the draft makes, as text: two drafts that send the same are the same. */
const sentText = (draft: DefinitionDraft) => JSON.stringify(requestFromDraft(draft).request);

function DefinitionEditor({ vm, definition }: { vm: Vm; definition: VmDefinition }) {
  const can = usePermission();
  const queryClient = useQueryClient();
  const saved = useMemo(() => draftFromDefinition(definition), [definition]);
  const [draft, setDraft] = useState<DefinitionDraft>(saved);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  // A definition fetched anew (changed elsewhere, or after a reconnect) replaces an untouched draft, never edits.
  const [followed, setFollowed] = useState(saved);
  if (followed !== saved) {
    setFollowed(saved);
    if (sentText(draft) === sentText(followed)) setDraft(saved);
  }
  const running = processRunning(vm);
  const save = useMutation<VmDefinition, RequestError, ReturnType<typeof requestFromDraft>['request']>({
    mutationFn: ({ id: _id, ...request }) => updateDefinition(vm.id, request),
    onSuccess: (stored) => {
      setErrors(NO_ERRORS);
      // The bridge's answer is the definition as stored (new disks made, MACs kept): the form shows that.
      setDraft(draftFromDefinition(stored));
      queryClient.setQueryData(queryKeys.definition(vm.id), stored);
    },
    onError: (error) => setErrors(formErrorsOf(error)),
  });
  const changed = sentText(draft) !== sentText(saved);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Enter in a field submits too: nothing changed is nothing to send.
    if (can('vm.define').reason || !changed) return;
    const { request, errors: found } = requestFromDraft(draft);
    setErrors(found);
    if (!hasErrors(found)) save.mutate(request);
  };

  return (
    <div className="flex flex-col gap-3">
      {running && (
        <p className="rounded-md bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-200">
          The VM is running: its name, description, autostart and CD-ROM media can change now; stop it to
          change the rest.
        </p>
      )}
      {/* Outside the settings form: its controls are forms of their own, and a submit would bubble into Save.
          Only once QMP is up: asked while QEMU starts, its queries would only say it is not connected yet. */}
      {running && vm.connection === 'connected' && <LiveControls vm={vm} />}
      <form onSubmit={submit} noValidate aria-label="Settings" className="flex flex-col gap-3">
        <ErrorSummary errors={errors} title="The settings were not saved:" />
        <DefinitionForm
          draft={draft}
          change={(update) => setDraft(update)}
          errors={errors}
          locked={running ? lockedWhileRunning : NOTHING_LOCKED}
          vmId={vm.id}
        />
        <div className="sticky bottom-0 flex flex-wrap items-center gap-3 border-t border-zinc-200 bg-white py-3 dark:border-zinc-800 dark:bg-zinc-950">
          <Button
            type="submit"
            intent="primary"
            disabled={!changed || save.isPending}
            deniedReason={can('vm.define').reason}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </Button>
          <Button
            disabled={!changed || save.isPending}
            onClick={() => {
              setDraft(saved);
              setErrors(NO_ERRORS);
            }}
          >
            Undo changes
          </Button>
          {save.isSuccess && !changed && (
            <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
              Saved
            </span>
          )}
        </div>
      </form>
    </div>
  );
}

export default function SettingsTab({ vm }: { vm: Vm }) {
  const defined = vm.origin === 'defined';
  const definition = useQuery({
    queryKey: queryKeys.definition(vm.id),
    queryFn: () => fetchDefinition(vm.id),
    enabled: defined,
  });
  if (!defined) return <NotDefined vm={vm} />;
  return (
    <div className="mx-auto w-full max-w-4xl overflow-auto p-3 sm:p-4">
      {definition.isPending && <p className="text-sm text-zinc-500">Loading the definition…</p>}
      {definition.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Cannot read the definition: {definition.error.message}
        </p>
      )}
      {definition.data && <DefinitionEditor vm={vm} definition={definition.data} />}
    </div>
  );
}
