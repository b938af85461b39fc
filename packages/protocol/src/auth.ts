/**
 * Users, roles and what a role may do, as the bridge tells a client about itself (`GET /api/session`, `hello`).
 * The bridge decides; the web app reads the same rules with the same matcher only to disable what would be refused.
 */
import { z } from 'zod';
import { anyGlobMatches } from './glob.ts';

export const Role = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;

/** A signed-in user as clients see them. */
export const SessionUser = z.object({ name: z.string(), role: Role });
export type SessionUser = z.infer<typeof SessionUser>;

/** One role's command rule: globs over command names (QMP, `guest-*`, and the bridge's own `vm.start`...). */
export const RolePolicy = z.object({
  allow: z.array(z.string()),
  deny: z.array(z.string()),
});
export type RolePolicy = z.infer<typeof RolePolicy>;

/** Deny wins; nothing is allowed unless a glob of `allow` names it. */
export function policyAllows(policy: RolePolicy, command: string): boolean {
  return anyGlobMatches(policy.allow, command) && !anyGlobMatches(policy.deny, command);
}

/** A user's VM scope: globs over VM ids, or null for every VM. */
export function scopeIncludes(scope: readonly string[] | null, vm: string): boolean {
  return scope === null || anyGlobMatches(scope, vm);
}

/** `GET /api/session` (and `POST /api/session` after signing in). */
export const SessionInfo = z.object({
  /** Whether the bridge has users at all; without users it serves loopback only and everyone may do everything. */
  auth: z.boolean(),
  /** Null when `auth` is false. */
  user: SessionUser.nullable(),
  /** The caller's effective rule (admin's `*` when `auth` is false). */
  policy: RolePolicy,
  /** The caller's VM scope (globs over VM ids), or null for all. */
  vms: z.array(z.string()).nullable(),
  /** How the caller is signed in. */
  via: z.enum(['none', 'session', 'token', 'proxy']),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** `POST /api/session`: sign in with name and password; answers `SessionInfo` and sets the session cookie. */
export const SignInRequest = z.strictObject({
  name: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

/**
 * The bridge's own actions, named with a dot so they can never be a QMP or guest-agent command. They go through
 * the same command pipeline (policy, audit, in-flight list) as QMP commands, with `target: 'bridge'`.
 */
export const BridgeAction = {
  Start: 'vm.start',
  Kill: 'vm.kill',
  Stop: 'vm.stop',
  Create: 'vm.create',
  Define: 'vm.define',
  Clone: 'vm.clone',
  Delete: 'vm.delete',
  Hibernate: 'vm.hibernate',
  Dump: 'vm.dump',
  ConsoleView: 'console.view',
  ConsoleInput: 'console.input',
  SerialInput: 'serial.input',
  StorageUpload: 'storage.upload',
  StorageDownload: 'storage.download',
  StorageDelete: 'storage.delete',
  BackupCreate: 'backup.create',
  BackupDelete: 'backup.delete',
  BackupRestore: 'backup.restore',
  SnapshotCreate: 'snapshot.create',
  SnapshotRevert: 'snapshot.revert',
  SnapshotDelete: 'snapshot.delete',
  JobControl: 'job.control',
  AuditRead: 'audit.read',
  /** `GET /metrics` (Prometheus): viewer and up; a scoped user's scrape holds only their VMs. */
  MetricsRead: 'metrics.read',
  /** `GET /api/vms/:id/hardware`: the Hardware tab's fixed queries as one command; viewer and up. */
  HardwareRead: 'hardware.read',
  /**
   * Put an image from a storage location in a CD-ROM or floppy drive, or empty it (`blockdev-change-medium` or
   * `eject`, run as the caller's own commands): operator and up.
   */
  Media: 'device.media',
  /** Hot-plug a disk from a storage location (`blockdev-add` + `device_add`): operator and up. */
  DiskAdd: 'device.disk-add',
  /** Unplug a disk (`device_del`, wait for `DEVICE_DELETED`, `blockdev-del`): operator and up. */
  DiskRemove: 'device.disk-remove',
  /** Hot-plug a NIC (`netdev_add` + `device_add`): operator and up. */
  NicAdd: 'device.nic-add',
  /** Unplug a NIC (`device_del`, wait for `DEVICE_DELETED`, `netdev_del`): operator and up. */
  NicRemove: 'device.nic-remove',
} as const;
export type BridgeAction = (typeof BridgeAction)[keyof typeof BridgeAction];
