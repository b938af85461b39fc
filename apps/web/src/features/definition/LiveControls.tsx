/**
 * What changes in a running VM without touching its definition: the memory balloon's target (`balloon`, the
 * guest gives memory back to the host through its virtio-balloon driver) and a NIC's link (`set_link`, as
 * pulling and plugging the cable). Both are QMP commands, sent through the page's one execute path, so the
 * role's rule, the audit log and the timeline see them as any other.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { RequestError } from '../../api/request-error.ts';
import { useExecute, type VmCommand } from '../../live/useExecute.ts';
import { Button } from '../../ui/Button.tsx';
import { formatBytes } from '../../ui/bytes.ts';
import { useQmpQuery } from '../info/useQmpQuery.ts';
import { usePermission } from '../session/usePermission.ts';
import { FormSection, INPUT } from './FormField.tsx';

const MiB = 1024 * 1024;
const ORIGIN = 'Settings tab';

/** NICs are the devices with an id whose type is a network card (`child<virtio-net-pci>`, `child<e1000>`). */
const NIC_TYPE = /^child<(virtio-net|e1000|rtl8139|ne2k)/;

function useCommand() {
  const execute = useExecute();
  return useMutation<unknown, RequestError, VmCommand>({ mutationFn: (command) => execute(command) });
}

function Outcome({ command, done }: { command: ReturnType<typeof useCommand>; done: string }) {
  if (command.isError) {
    return (
      <span role="alert" className="text-xs text-red-700 dark:text-red-400">
        {command.error.class}: {command.error.desc}
      </span>
    );
  }
  if (command.isSuccess) {
    return (
      <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
        {done}
      </span>
    );
  }
  return null;
}

function Balloon({ vm }: { vm: Vm }) {
  const can = usePermission();
  const inputId = useId();
  const balloon = useQmpQuery(vm.id, 'query-balloon', true);
  const command = useCommand();
  const [target, setTarget] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const mib = Number(target);
    if (!Number.isInteger(mib) || mib <= 0) return;
    command.mutate({ vm: vm.id, execute: 'balloon', arguments: { value: mib * MiB }, origin: ORIGIN });
  };
  return (
    <form onSubmit={submit} aria-label="Memory balloon" className="flex flex-col gap-1">
      <p className="text-sm">
        Memory the guest has now:{' '}
        {balloon.data
          ? formatBytes(balloon.data.actual)
          : balloon.error
            ? `unknown (${balloon.error.class}: ${balloon.error.desc})`
            : (balloon.denied ?? '…')}
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <label htmlFor={inputId} className="flex flex-col gap-0.5 text-xs font-medium">
          Balloon target (MiB)
          <input
            id={inputId}
            type="number"
            min={1}
            value={target}
            placeholder={balloon.data ? String(Math.round(balloon.data.actual / MiB)) : undefined}
            onChange={(event) => setTarget(event.target.value)}
            className={`${INPUT} w-32`}
          />
        </label>
        <Button
          type="submit"
          disabled={command.isPending || target === ''}
          deniedReason={can('balloon').reason}
        >
          Set target
        </Button>
        <Outcome
          command={command}
          done={`Target set to ${target} MiB; the guest gives memory back at its own pace`}
        />
      </div>
    </form>
  );
}

function NicLink({ vm, name }: { vm: Vm; name: string }) {
  const can = usePermission();
  const command = useCommand();
  const set = (up: boolean) =>
    command.mutate({ vm: vm.id, execute: 'set_link', arguments: { name, up }, origin: ORIGIN });
  const last = command.variables?.arguments?.up;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="nic-link">
      <span className="font-mono text-xs">{name}</span>
      <Button
        size="small"
        disabled={command.isPending}
        deniedReason={can('set_link').reason}
        onClick={() => set(false)}
      >
        Unplug cable
      </Button>
      <Button
        size="small"
        disabled={command.isPending}
        deniedReason={can('set_link').reason}
        onClick={() => set(true)}
      >
        Plug in cable
      </Button>
      <Outcome command={command} done={last ? 'link up' : 'link down'} />
    </div>
  );
}

function NicLinks({ vm }: { vm: Vm }) {
  const devices = useQmpQuery(vm.id, 'qom-list', true, { path: '/machine/peripheral' });
  const nics = (devices.data ?? [])
    .filter((property) => NIC_TYPE.test(property.type))
    .map((property) => property.name);
  return (
    <div className="flex flex-col gap-1">
      <p className="text-sm">Network cables</p>
      {devices.denied && <p className="text-xs text-zinc-500">{devices.denied}</p>}
      {devices.error && (
        <p className="text-xs text-red-700 dark:text-red-400">
          Cannot list the network cards: {devices.error.class}: {devices.error.desc}
        </p>
      )}
      {devices.data && nics.length === 0 && <p className="text-xs text-zinc-500">No network card.</p>}
      {nics.map((name) => (
        <NicLink key={name} vm={vm} name={name} />
      ))}
    </div>
  );
}

export function LiveControls({ vm }: { vm: Vm }) {
  return (
    <FormSection legend="While it runs">
      <Balloon vm={vm} />
      <NicLinks vm={vm} />
    </FormSection>
  );
}
