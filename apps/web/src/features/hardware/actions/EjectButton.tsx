/** Empties a removable drive (`eject`, through the socket as the person): the tray opens and the medium is gone. */
import type { HardwareDisk } from '@qmpdeck/protocol';
import { useExecute } from '../../../live/useExecute.ts';
import { Button } from '../../../ui/Button.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { ActionOutcome } from './ActionOutcome.tsx';
import { useHardwareAction } from './useHardwareAction.ts';

export function EjectButton({
  vmId,
  disk,
  disabled,
}: {
  vmId: string;
  disk: HardwareDisk;
  disabled: boolean;
}) {
  const execute = useExecute();
  const permission = usePermission()('eject');
  const eject = useHardwareAction(vmId, () =>
    execute({
      vm: vmId,
      execute: 'eject',
      // `device` names a -drive's backend; `id` the device of one added with -device.
      arguments: disk.device !== null ? { device: disk.device } : { id: disk.qdev ?? disk.drive },
      origin: 'Hardware tab',
    }),
  );
  return (
    <>
      <Button
        size="small"
        deniedReason={permission.reason}
        disabled={disabled || disk.medium === null || eject.isPending}
        onClick={() => eject.mutate(undefined)}
        aria-label={`Eject ${disk.drive}`}
      >
        Eject
      </Button>
      <ActionOutcome pending={eject.isPending} waiting="ejecting…" error={eject.error} />
    </>
  );
}
