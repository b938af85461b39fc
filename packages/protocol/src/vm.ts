/**
 * The VM object: what the bridge knows about one VM at this moment. It is
 * pushed whole in `vm` messages, so the dashboard replaces, never merges.
 */
import type { RunState as QmpRunState } from '@qmpdeck/qmp';
import { z } from 'zod';

/**
 * How the bridge's QMP link to the VM stands. `busy`: another client holds the monitor. `gone`: a discovered
 * socket disappeared. `stopped`: a managed VM whose QEMU is not running (shut off; start it to use it), as
 * opposed to `disconnected`, a QEMU the bridge cannot reach.
 */
export const Connection = z.enum(['connected', 'connecting', 'disconnected', 'busy', 'gone', 'stopped']);
export type Connection = z.infer<typeof Connection>;

/** QEMU's RunState enum, checked against the generated QMP types: a name QEMU does not have fails the typecheck. */
export const RunState = z.enum([
  'debug',
  'inmigrate',
  'internal-error',
  'io-error',
  'paused',
  'postmigrate',
  'prelaunch',
  'finish-migrate',
  'restore-vm',
  'running',
  'save-vm',
  'shutdown',
  'suspended',
  'watchdog',
  'guest-panicked',
  'colo',
]);
export type RunState = z.infer<typeof RunState>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const runStateMatchesQemu: Same<RunState, QmpRunState> = true;
void runStateMatchesQemu;

export const QemuVersion = z.object({
  major: z.number().int(),
  minor: z.number().int(),
  micro: z.number().int(),
  package: z.string(),
});
export type QemuVersion = z.infer<typeof QemuVersion>;

export const GuestAddress = z.object({
  interface: z.string(),
  address: z.string(),
  prefix: z.number().int(),
  family: z.enum(['ipv4', 'ipv6']),
});
export type GuestAddress = z.infer<typeof GuestAddress>;

/** What the guest says about itself through the QEMU Guest Agent. */
export const GuestInfo = z.object({
  agent: z.enum(['connected', 'unavailable']),
  /**
   * True when the agent is not answering now (the VM is paused, the guest rebooting) and `hostname`, `os` and
   * `addresses` are the last values it gave: shown as last known, not dropped.
   */
  stale: z.boolean().optional(),
  hostname: z.string().optional(),
  os: z.record(z.string(), z.unknown()).optional(),
  addresses: z.array(GuestAddress).optional(),
});
export type GuestInfo = z.infer<typeof GuestInfo>;

/** The QEMU process of a managed VM (one the bridge launches itself). */
export const ProcessInfo = z.object({
  state: z.enum(['running', 'exited', 'starting', 'failed']),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
});
export type ProcessInfo = z.infer<typeof ProcessInfo>;

export const LatestEvent = z.object({
  seq: z.number().int(),
  event: z.string(),
  timestamp: z.object({ seconds: z.number().int(), microseconds: z.number().int() }),
});

export const Consoles = z.object({
  vnc: z.boolean(),
  /** Chardev ids of the serial ports and consoles (`serial0`). */
  serial: z.array(z.string()),
});
export type Consoles = z.infer<typeof Consoles>;

export const QmpProxyEndpoint = z.object({
  socket: z.string(),
  tcp: z.object({ host: z.string(), port: z.number().int() }).optional(),
});
export type QmpProxyEndpoint = z.infer<typeof QmpProxyEndpoint>;

export const VmUsage = z.object({
  /** Unix seconds of the sample. */
  time: z.number(),
  cpu: z.number().nullable(),
  memory: z.number().nullable(),
});
export type VmUsage = z.infer<typeof VmUsage>;

export const Vm = z.object({
  id: z.string(),
  name: z.string(),
  connection: Connection,
  /** The QMP RunState (`running`, `paused`, `prelaunch`, ...), or null while unknown. */
  status: RunState.nullable(),
  qemu: QemuVersion.nullable(),
  /** Why the connection is not `connected`, in words for people; null when connected. */
  message: z.string().nullable().optional(),
  /** True when the bridge launches this VM's QEMU itself (start/kill allowed). */
  managed: z.boolean().optional(),
  process: ProcessInfo.nullable().optional(),
  /** Where the VM came from: the config file, a discovery directory, or a definition made in the dashboard. */
  origin: z.enum(['config', 'discovered', 'defined']).optional(),
  guest: GuestInfo.nullable().optional(),
  latestEvent: LatestEvent.nullable().optional(),
  /** The VM's screen and serial ports the bridge can proxy (`/api/vms/:id/vnc`, `/api/vms/:id/serial/:name`). */
  consoles: Consoles.optional(),
  /** The bridge's QMP endpoint for this VM (for qmp-shell and scripts); null when off. */
  qmpProxy: QmpProxyEndpoint.nullable().optional(),
  /** The latest usage sample, for the overview: CPU in percent of one host core, memory (RSS) in bytes. */
  usage: VmUsage.nullable().optional(),
  /** Definitions only: starts with the bridge. */
  autostart: z.boolean().optional(),
  /** A hibernated VM's saved state waits to be restored by the next start. */
  hibernated: z.boolean().optional(),
});
export type Vm = z.infer<typeof Vm>;

export const VmList = z.array(Vm);
