/** Hot-plugs a NIC on user networking (the bridge's `device.nic-add`), where the machine has room for one. */
import { type Hotplug, NIC_MODELS, type NicAddRequest } from '@qmpdeck/protocol';
import { useState } from 'react';
import { addNic } from '../../../api/hardware.ts';
import { Button } from '../../../ui/Button.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { ActionOutcome } from './ActionOutcome.tsx';
import { useHardwareAction } from './useHardwareAction.ts';

export function AddNicForm({
  vmId,
  hotplug,
  disabled,
}: {
  vmId: string;
  hotplug: Hotplug;
  disabled: boolean;
}) {
  const [model, setModel] = useState<NonNullable<NicAddRequest['model']>>('virtio-net-pci');
  const permission = usePermission()('device.nic-add');
  const add = useHardwareAction(vmId, (request: NicAddRequest) => addNic(vmId, request));
  return (
    <form
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        add.mutate({ model, origin: 'Hardware tab' });
      }}
    >
      <label className="flex items-center gap-1">
        <span className="text-zinc-600 dark:text-zinc-400">Model</span>
        <select
          value={model}
          onChange={(event) => setModel(event.target.value as typeof model)}
          className="rounded-md bg-white px-1.5 py-0.5 ring-1 ring-inset ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
        >
          {NIC_MODELS.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <Button
        type="submit"
        size="small"
        deniedReason={permission.reason}
        disabled={disabled || !hotplug.possible || add.isPending}
      >
        Add NIC
      </Button>
      {!hotplug.possible && <span className="text-xs text-zinc-500">{hotplug.note}</span>}
      <ActionOutcome pending={add.isPending} waiting="adding…" error={add.error} />
    </form>
  );
}
