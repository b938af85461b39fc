/**
 * What each role may run: globs over command names (QMP commands, guest agent commands, the bridge's own actions
 * such as `vm.start`), deny winning over allow. These are the defaults; a role given in the config's `policy`
 * replaces its default rule whole (docs/api.md says why each entry is there).
 *
 * Viewers run queries, minus those that show host paths, socket paths or launch secrets, and read the Hardware
 * tab and the Prometheus metrics. Operators run the everyday lifecycle and device commands (media, links, the
 * bridge's hot-plugs from the storage locations and unplugs) and the guest agent's reads, and may run the queries viewers may not
 * (they already give host paths to `blockdev-change-medium`). Admins run everything, including
 * `human-monitor-command`, hot-plug, `guest-exec` and reading the audit log.
 */
import { BridgeAction, type Role, type RolePolicy } from '@qmpdeck/protocol';
import type { PolicyConfig } from '../config/schema.ts';

/** Queries that show what a viewer should not see: host paths, socket paths, secrets of a launch. */
export const VIEWER_DENIED_QUERIES: readonly string[] = [
  'query-chardev', // host socket and file paths of every character device (the QMP and agent sockets too)
  'query-memdev', // memory backend files and host NUMA policy
  'query-tpm', // the host TPM device or swtpm socket path
  'query-fdsets', // file descriptors passed to QEMU, with the host's names for them
  'query-named-block-nodes', // every block node with its host file name and backing chain
  'query-block-exports', // NBD/FUSE/vhost exports: host paths and sockets
  'query-sev*', // AMD SEV launch measurement, attestation report, platform certificate chain
  'query-sgx*', // Intel SGX EPC sections of the host
  'query-migrate-parameters', // TLS credential ids, host names, migration tuning
];

const VIEWER_ALLOW: readonly string[] = [
  'query-*',
  BridgeAction.ConsoleView,
  BridgeAction.HardwareRead,
  BridgeAction.MetricsRead,
];

const OPERATOR_EXTRA: readonly string[] = [
  'stop',
  'cont',
  'system_reset',
  'system_powerdown',
  'system_wakeup',
  'quit',
  'eject',
  'blockdev-change-medium',
  'blockdev-open-tray',
  'blockdev-close-tray',
  'set_link',
  'send-key',
  'input-send-event',
  'screendump',
  'balloon',
  BridgeAction.Start,
  BridgeAction.Kill,
  BridgeAction.Stop,
  BridgeAction.Hibernate,
  BridgeAction.ConsoleInput,
  BridgeAction.SerialInput,
  BridgeAction.BackupCreate,
  BridgeAction.SnapshotCreate,
  BridgeAction.SnapshotRevert,
  BridgeAction.JobControl,
  // The bridge's hot-plugs and unplugs: a NIC of user networking, a disk and media only from the storage
  // locations (never a path the caller gives), and devices the VM already had.
  BridgeAction.Media,
  BridgeAction.NicAdd,
  BridgeAction.NicRemove,
  BridgeAction.DiskAdd,
  BridgeAction.DiskRemove,
  // The guest agent's reads: what the guest is, never something that changes it.
  'guest-ping',
  'guest-info',
  'guest-get-*',
  'guest-network-get-interfaces',
  'guest-fsfreeze-status',
];

export const DEFAULT_POLICY: Readonly<Record<Role, RolePolicy>> = {
  viewer: { allow: [...VIEWER_ALLOW], deny: [...VIEWER_DENIED_QUERIES] },
  operator: { allow: [...VIEWER_ALLOW, ...OPERATOR_EXTRA], deny: [] },
  admin: { allow: ['*'], deny: [] },
};

/** What the bridge answers when there are no users: everyone may do everything (on loopback only). */
export const OPEN_POLICY: RolePolicy = { allow: ['*'], deny: [] };

/** The defaults with the config's rules in place of those it gives (a role given replaces its default rule). */
export function effectivePolicies(config: PolicyConfig | undefined): Record<Role, RolePolicy> {
  const rule = (role: Role): RolePolicy => {
    const given = config?.[role];
    if (given === undefined) return DEFAULT_POLICY[role];
    return { allow: [...(given.allow ?? [])], deny: [...(given.deny ?? [])] };
  };
  return { viewer: rule('viewer'), operator: rule('operator'), admin: rule('admin') };
}
