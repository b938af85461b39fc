/**
 * The config file's shape, declared once: it validates the file at start
 * (unknown fields rejected, so a typo never passes silently) and generates
 * config.schema.json (scripts/generate-config-schema.ts) for editors and docs.
 */
import { Role, StorageContent } from '@qmpdeck/protocol';
import { z } from 'zod';
import { PASSWORD_HASH_PATTERN, parsePasswordHash } from '../auth/password-hash.ts';
import { TOKEN_HASH_PATTERN } from '../auth/token.ts';
import { parseCidr } from '../security/address.ts';

/** Ids appear in URLs and file names; keep them plain. */
export const VM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const Milliseconds = z.number().int().positive().max(86_400_000);

export const QmpAddressConfig = z
  .strictObject({
    socket: z.string().min(1).optional().describe('Path of a QMP unix socket'),
    host: z.string().min(1).optional().describe('Host of a QMP TCP server'),
    port: z.number().int().min(1).max(65535).optional().describe('Port of a QMP TCP server'),
  })
  .refine((qmp) => (qmp.socket !== undefined) !== (qmp.host !== undefined || qmp.port !== undefined), {
    message: 'give either "socket", or "host" and "port"',
  })
  .refine((qmp) => qmp.socket !== undefined || (qmp.host !== undefined && qmp.port !== undefined), {
    message: 'a TCP address needs both "host" and "port"',
  })
  .describe('Where the VM listens for QMP: { "socket" } or { "host", "port" }');

export const LaunchConfig = z
  .strictObject({
    binary: z.string().min(1).optional().describe('QEMU executable; default qemu-system-x86_64'),
    args: z
      .array(z.string())
      .describe('QEMU arguments; "{dir}" is replaced by the VM\'s private runtime directory'),
    autostart: z
      .boolean()
      .optional()
      .describe('Launch QEMU when the bridge starts; default true (false: the VM waits, stopped, for Start)'),
  })
  .describe('The bridge launches this QEMU itself and adds -qmp on a socket it creates');

export const VncConfig = z
  .union(
    [
      z.strictObject({ socket: z.string().min(1).describe('Path of the VNC unix socket (-vnc unix:PATH)') }),
      z.strictObject({
        host: z.string().min(1).describe('Host of the VNC server'),
        port: z.number().int().min(1).max(65535).describe('Its TCP port (5900 + display number)'),
      }),
    ],
    { error: 'expected { "socket": PATH } or { "host", "port" }' },
  )
  .describe("Where the VM's VNC display listens, instead of asking QEMU (query-vnc)");

export const SerialConfig = z
  .array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'expected a chardev id such as "serial0"')
        .describe('The name shown and used in /api/vms/:id/serial/:name, e.g. "serial0"'),
      socket: z.string().min(1).describe('Path of the unix socket QEMU serves the port on (server=on)'),
    }),
  )
  .refine((ports) => new Set(ports.map((port) => port.name)).size === ports.length, {
    message: 'serial port names must differ',
  })
  .describe("The VM's serial ports, instead of asking QEMU (query-chardev); [] for none");

export const VmConfig = z
  .strictObject({
    id: z.string().regex(VM_ID_PATTERN, 'expected letters, digits, ".", "_" or "-" (at most 128)'),
    name: z.string().min(1).max(200).optional(),
    qmp: QmpAddressConfig.optional(),
    launch: LaunchConfig.optional(),
    qga: z
      .union(
        [
          z.strictObject({
            socket: z.string().min(1).describe('Path of the unix socket QEMU serves the agent on'),
          }),
          z.literal(false),
        ],
        { error: 'expected { "socket": PATH } or false' },
      )
      .optional()
      .describe(
        'The QEMU Guest Agent channel (-chardev socket + virtserialport name=org.qemu.guest_agent.0); managed VMs get one automatically, false turns that off (e.g. machines without PCI)',
      ),
    vnc: VncConfig.optional(),
    serial: SerialConfig.optional(),
  })
  .refine((vm) => (vm.qmp === undefined) !== (vm.launch === undefined), {
    message: 'give either "qmp" (a running QEMU) or "launch" (the bridge starts QEMU)',
  });

export const DiscoverConfig = z.strictObject({
  dir: z.string().min(1).describe('Directory watched for QMP sockets'),
  pattern: z.string().min(1).default('*').describe('File-name glob (* and ?), e.g. "*.qmp"'),
});

export const TimeoutsConfig = z
  .strictObject({
    query: Milliseconds.optional().describe('query-* commands; default 5000'),
    lifecycle: Milliseconds.optional().describe('stop, cont, reset, media changes...; default 60000'),
    schema: Milliseconds.optional().describe('query-qmp-schema; default 60000'),
    jobs: Milliseconds.optional().describe('block jobs, migration, dumps; default 600000'),
    default: Milliseconds.optional().describe('every other command; default 30000'),
    commands: z.record(z.string(), Milliseconds).optional().describe('per command name'),
  })
  .describe('Command timeouts by class, in milliseconds');

export const RetentionConfig = z
  .strictObject({
    maxEvents: z.number().int().positive().optional().describe('per VM; default 100000'),
    maxAgeDays: z.number().positive().optional().describe('default: no age limit'),
  })
  .describe('How much event history is kept');

export const QmpProxyConfig = z
  .union(
    [
      z.strictObject({
        dir: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Where the sockets go (<dir>/<id>.qmp); default $XDG_RUNTIME_DIR/qmpdeck, else <tmp>/qmpdeck-<uid>',
          ),
        tcp: z
          .union([
            z.boolean(),
            z.strictObject({
              basePort: z
                .number()
                .int()
                .min(1)
                .max(65535)
                .describe('VMs take the free ports from here up, in the order they are registered'),
            }),
          ])
          .optional()
          .describe(
            'Also serve each VM on a loopback TCP port (true: ports the OS picks); clients authenticate',
          ),
        group: z
          .union([z.string().min(1), z.number().int().min(0)])
          .optional()
          .describe(
            'Group (name or gid) allowed to connect: sockets 0660 and the directory 0750 in this group',
          ),
        user: z
          .string()
          .min(1)
          .optional()
          .describe(
            'A name from users: every unix-socket client acts as this user (policy, scope, audit); without it, with users, clients authenticate with their API token',
          ),
      }),
      z.literal(false),
    ],
    { error: 'expected { "dir"?, "tcp"?, "group"?, "user"? } or false' },
  )
  .describe('A QMP endpoint per VM for qmp-shell and scripts (on unless false)');

export const MetricsConfig = z
  .strictObject({
    enabled: z
      .boolean()
      .optional()
      .describe("Sample every VM's CPU, memory, disk and network use; default true"),
    intervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(300)
      .optional()
      .describe('Seconds between samples; default 5'),
    database: z
      .string()
      .min(1)
      .optional()
      .describe('SQLite file of the usage history; default metrics.db beside the event database'),
  })
  .describe('Usage sampling and its history (GET /api/vms/:id/metrics, GET /metrics)');

/** An IPv4 or IPv6 address or CIDR range (`10.0.0.0/8`, `::1/128`). */
const AddressRange = z.string().superRefine((text, ctx) => {
  const cidr = parseCidr(text);
  if (typeof cidr === 'string') ctx.addIssue({ code: 'custom', message: cidr });
});

export const UserConfig = z
  .strictObject({
    name: z.string().regex(VM_ID_PATTERN, 'expected letters, digits, ".", "_" or "-" (at most 128)'),
    role: Role.describe('viewer: read and query; operator: everyday VM control; admin: everything'),
    token: z
      .string()
      .min(16, 'a token must be at least 16 characters (pnpm start -- new-token makes one)')
      .max(1024)
      .optional()
      .describe('An API token in plain text (hashed when loaded); prefer tokenHash'),
    tokenHash: z
      .string()
      .regex(TOKEN_HASH_PATTERN, 'expected "sha256:" and 64 lower-case hex digits (pnpm start -- new-token)')
      .optional()
      .describe('sha256:<hex> of the API token (pnpm start -- new-token)'),
    passwordHash: z
      .string()
      .regex(
        PASSWORD_HASH_PATTERN,
        'expected "scrypt:<N>:<r>:<p>:<salt base64>:<key base64>" (pnpm start -- hash-password)',
      )
      .superRefine((text, ctx) => {
        const parsed = parsePasswordHash(text);
        if (typeof parsed === 'string' && PASSWORD_HASH_PATTERN.test(text)) {
          ctx.addIssue({ code: 'custom', message: parsed });
        }
      })
      .optional()
      .describe('scrypt:<N>:<r>:<p>:<salt>:<key> for the sign-in page (pnpm start -- hash-password)'),
    vms: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Globs over VM ids this user may see (* and ?); default: every VM'),
  })
  .refine((user) => !(user.token !== undefined && user.tokenHash !== undefined), {
    message: 'give "token" or "tokenHash", not both',
  })
  .refine(
    (user) => user.token !== undefined || user.tokenHash !== undefined || user.passwordHash !== undefined,
    { message: 'a user needs at least one of "token", "tokenHash" or "passwordHash"' },
  );

const RoleRuleConfig = z
  .strictObject({
    allow: z.array(z.string().min(1)).optional().describe('Globs over command names this role may run'),
    deny: z.array(z.string().min(1)).optional().describe('Globs over command names refused even if allowed'),
  })
  .describe("Replaces the role's default rule (docs/api.md)");

export const PolicyConfig = z
  .strictObject({
    viewer: RoleRuleConfig.optional(),
    operator: RoleRuleConfig.optional(),
    admin: RoleRuleConfig.optional(),
  })
  .describe('What each role may run; a role given here replaces its default rule');

export const AuthProxyConfig = z
  .strictObject({
    userHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,128}$/, 'expected an HTTP header name, e.g. "Remote-User"')
      .describe('The header the proxy puts the signed-in user name in'),
    trustedProxies: z
      .array(AddressRange)
      .min(1)
      .describe('Addresses or CIDR ranges of the proxies whose header is believed'),
  })
  .describe('Single sign-on through a reverse proxy (Authelia, Authentik, oauth2-proxy)');

export const TlsConfig = z
  .strictObject({
    cert: z.string().min(1).describe('PEM certificate (chain) file'),
    key: z.string().min(1).describe('PEM private key file'),
  })
  .describe('Serve HTTPS and WSS directly');

export const SessionConfig = z
  .strictObject({
    idleMinutes: z.number().positive().max(525_600).optional().describe('Idle expiry; default 120'),
    maxHours: z.number().positive().max(8760).optional().describe('Absolute expiry; default 24'),
  })
  .describe('Sign-in sessions (cookies)');

export const AuditConfig = z
  .strictObject({
    maxAgeDays: z.number().positive().optional().describe('default 90'),
    maxEntries: z.number().int().positive().optional().describe('default 100000'),
  })
  .describe('How much of the audit log is kept');

/** 64 GiB: an installer ISO or a disk image fits; a runaway transfer does not fill the disk. */
export const DEFAULT_TRANSFER_MAX_BYTES = 64 * 1024 ** 3;

export const StorageConfig = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected letters, digits, ".", "_" or "-" (at most 64)')
      .describe('Names the location in image references ("local:debian.iso") and in URLs'),
    path: z
      .string()
      .min(1)
      .describe('The directory; nothing outside it is ever opened through this location'),
    content: z
      .array(StorageContent)
      .min(1)
      .describe('What it holds: "disk" (images, and where new disks go), "iso", "backup", "dump"'),
  })
  .describe('A directory of disk images and ISOs the dashboard may use');

const TransferLimit = z.strictObject({
  maxBytes: z.number().int().positive().optional().describe('default 68719476736 (64 GiB)'),
});

export const UefiConfig = z
  .strictObject({
    code: z.string().min(1).optional().describe("default /usr/share/OVMF/OVMF_CODE_4M.fd (Debian's ovmf)"),
    vars: z
      .string()
      .min(1)
      .optional()
      .describe('The variables template copied once per VM; default /usr/share/OVMF/OVMF_VARS_4M.fd'),
  })
  .describe('OVMF, the firmware of VMs with "firmware": "uefi"');

export const BridgeConfig = z.strictObject({
  $schema: z.string().optional(),
  vms: z.array(VmConfig).default([]),
  discover: z.array(DiscoverConfig).optional(),
  database: z.string().min(1).optional().describe('SQLite file; default $XDG_DATA_HOME/qmpdeck/events.db'),
  host: z.string().min(1).optional().describe('Address to bind; default 127.0.0.1'),
  port: z.number().int().min(0).max(65535).optional().describe('Port to bind; default 8080'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  timeouts: TimeoutsConfig.optional(),
  retention: RetentionConfig.optional(),
  qmpProxy: QmpProxyConfig.optional(),
  metrics: MetricsConfig.optional(),
  allowedOrigins: z
    .array(z.string())
    .optional()
    .describe('Extra browser origins allowed to use the API and WebSocket (same-origin always is)'),
  allowedHosts: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Host names besides loopback the bridge answers to, e.g. behind a reverse proxy (DNS-rebinding guard)',
    ),
  users: z
    .array(UserConfig)
    .optional()
    .describe('Who may sign in; without users the bridge serves loopback only'),
  policy: PolicyConfig.optional(),
  authProxy: AuthProxyConfig.optional(),
  tls: TlsConfig.optional(),
  trustProxy: z
    .union([z.boolean(), z.array(AddressRange).min(1)])
    .optional()
    .describe('Behind a reverse proxy: believe X-Forwarded-For from it (true, or its addresses/CIDR ranges)'),
  session: SessionConfig.optional(),
  audit: AuditConfig.optional(),
  dataDir: z
    .string()
    .min(1)
    .optional()
    .describe("VM definitions (vms/<id>.json) and UEFI variables; default the database's directory"),
  runtimeDir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Sockets, pidfiles and logs of managed QEMUs (vms/<id>/); default /run/qmpdeck as root, else $XDG_RUNTIME_DIR/qmpdeck, else /tmp/qmpdeck-<uid>',
    ),
  stopVmsOnExit: z
    .boolean()
    .optional()
    .describe('Stop managed QEMUs when the bridge stops (the demo does); default false: they keep running'),
  storage: z.array(StorageConfig).optional().describe('Storage locations for disk images and ISOs'),
  uploads: TransferLimit.optional().describe('Uploads into storage locations'),
  downloads: TransferLimit.optional().describe('Downloads from URLs into storage locations'),
  uefi: UefiConfig.optional(),
  accelerators: z
    .array(z.enum(['kvm', 'tcg']))
    .min(1)
    .optional()
    .describe(
      'Accelerators for defined VMs, first that works wins; default ["kvm","tcg"] when /dev/kvm opens, else ["tcg"] (say ["tcg"] where KVM opens but does not work, as on some nested hosts)',
    ),
});
export type BridgeConfig = z.infer<typeof BridgeConfig>;
export type VmConfig = z.infer<typeof VmConfig>;
export type TimeoutsConfig = z.infer<typeof TimeoutsConfig>;
export type RetentionConfig = z.infer<typeof RetentionConfig>;
export type MetricsConfig = z.infer<typeof MetricsConfig>;
export type DiscoverConfig = z.infer<typeof DiscoverConfig>;
export type QmpProxyConfig = z.infer<typeof QmpProxyConfig>;
export type LaunchConfig = z.infer<typeof LaunchConfig>;
export type VncConfig = z.infer<typeof VncConfig>;
export type SerialConfig = z.infer<typeof SerialConfig>;
export type UserConfig = z.infer<typeof UserConfig>;
export type PolicyConfig = z.infer<typeof PolicyConfig>;
export type AuthProxyConfig = z.infer<typeof AuthProxyConfig>;
export type TlsConfig = z.infer<typeof TlsConfig>;
export type StorageConfig = z.infer<typeof StorageConfig>;
export type UefiConfig = z.infer<typeof UefiConfig>;
