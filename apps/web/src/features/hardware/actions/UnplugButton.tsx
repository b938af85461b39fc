/**
 * Unplugs a disk or a NIC (the bridge's `device.disk-remove` / `device.nic-remove`): the bridge waits for the guest
 * to let go of the device, which says so meanwhile; past the wait the bridge's message says the guest has not yet.
 */
import { removeDevice } from '../../../api/hardware.ts';
import { Button } from '../../../ui/Button.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { ActionOutcome } from './ActionOutcome.tsx';
import { useHardwareAction } from './useHardwareAction.ts';

export function UnplugButton({
  vmId,
  kind,
  device,
  disabled,
}: {
  vmId: string;
  kind: 'disks' | 'nics';
  device: string;
  disabled: boolean;
}) {
  const permission = usePermission()(kind === 'disks' ? 'device.disk-remove' : 'device.nic-remove');
  const unplug = useHardwareAction(vmId, () => removeDevice(vmId, kind, device));
  return (
    <>
      <Button
        size="small"
        intent="danger"
        deniedReason={permission.reason}
        disabled={disabled || unplug.isPending}
        onClick={() => unplug.mutate(undefined)}
        aria-label={`Unplug ${device}`}
      >
        Unplug
      </Button>
      <ActionOutcome
        pending={unplug.isPending}
        waiting={`waiting for the guest to let go of ${device}…`}
        error={unplug.error}
      />
    </>
  );
}
