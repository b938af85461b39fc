/** Sets a NIC's link up or down (`set_link`, through the socket as the person); the bridge then knows its state. */
import type { HardwareNic } from '@qmpdeck/protocol';
import { useExecute } from '../../../live/useExecute.ts';
import { Button } from '../../../ui/Button.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { ActionOutcome } from './ActionOutcome.tsx';
import { useHardwareAction } from './useHardwareAction.ts';

export function LinkButtons({ vmId, nic, disabled }: { vmId: string; nic: HardwareNic; disabled: boolean }) {
  const execute = useExecute();
  const permission = usePermission()('set_link');
  const setLink = useHardwareAction(vmId, (up: boolean) =>
    execute({ vm: vmId, execute: 'set_link', arguments: { name: nic.linkName, up }, origin: 'Hardware tab' }),
  );
  const busy = disabled || setLink.isPending;
  return (
    <>
      <Button
        size="small"
        deniedReason={permission.reason}
        disabled={busy || nic.link === 'up'}
        onClick={() => setLink.mutate(true)}
        aria-label={`Link up ${nic.id}`}
      >
        Link up
      </Button>
      <Button
        size="small"
        deniedReason={permission.reason}
        disabled={busy || nic.link === 'down'}
        onClick={() => setLink.mutate(false)}
        aria-label={`Link down ${nic.id}`}
      >
        Link down
      </Button>
      <ActionOutcome pending={setLink.isPending} waiting="setting the link…" error={setLink.error} />
    </>
  );
}
