/**
 * Whether the signed-in person may run a command, and if not, why, in words a tooltip and a screen reader can
 * say. It reads the same rule (`policyAllows`: allow globs, deny wins) the bridge enforces, only to disable what
 * the bridge would refuse anyway: the bridge stays the one that decides.
 */
import { type BridgeAction, policyAllows, type SessionInfo } from '@qmpdeck/protocol';

export interface Permission {
  allowed: boolean;
  /** Why not, when not allowed; null when allowed. */
  reason: string | null;
}

const ALLOWED: Permission = { allowed: true, reason: null };

/** While the session is not known yet nothing is offered: enabling first and disabling later would flicker. */
export const UNKNOWN_SESSION_REASON = 'Checking what you may do…';

/** The bridge's own actions in words; QMP and guest agent commands are named as they are. */
const ACTION_WORDS: Partial<Record<BridgeAction, string>> = {
  'vm.start': 'start VMs',
  'vm.kill': 'kill VMs',
  'vm.stop': 'shut VMs off',
  'vm.create': 'create VMs',
  'vm.define': 'change VM settings',
  'vm.clone': 'clone VMs',
  'vm.delete': 'delete VMs',
  'storage.upload': 'upload files to storage',
  'storage.download': 'download files into storage',
  'storage.delete': 'delete stored files',
  'console.view': 'view consoles',
  'console.input': 'type into consoles',
  'serial.input': 'type into serial consoles',
  'audit.read': 'read the audit log',
  'hardware.read': "read VMs' hardware",
  'metrics.read': 'read the Prometheus metrics',
  'device.media': 'change media',
  'device.disk-add': 'hot-plug disks',
  'device.nic-add': 'hot-plug NICs',
  'device.nic-remove': 'unplug NICs',
  'device.disk-remove': 'unplug disks',
  'job.control': 'cancel or pause jobs',
};

function deed(command: string): string {
  const words = ACTION_WORDS[command as BridgeAction];
  if (words) return words;
  // Other bridge actions are named with a dot; QMP and guest agent commands never are.
  return command.includes('.') ? `use ${command}` : `run ${command}`;
}

export function permissionFor(session: SessionInfo | undefined, command: string): Permission {
  if (!session) return { allowed: false, reason: UNKNOWN_SESSION_REASON };
  if (policyAllows(session.policy, command)) return ALLOWED;
  const who = session.user ? `Your role (${session.user.role})` : 'This bridge';
  return { allowed: false, reason: `${who} may not ${deed(command)}` };
}
