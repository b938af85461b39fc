/**
 * What the HTTP plugins use: the VMs, the one command pipeline, the event store, the WebSocket hub, and who may
 * do what (the authenticator, the role policy, sessions, the audit log).
 */
import type { AuditStore } from '../audit/audit-store.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { RoleCommandPolicy } from '../auth/role-command-policy.ts';
import type { SessionStore } from '../auth/session-store.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { Screenshots } from '../consoles/screenshots.ts';
import type { EventStore } from '../events/event-store.ts';
import type { LinkMemory } from '../hardware/link-memory.ts';
import type { Hub } from '../hub/hub.ts';
import type { JobRegistry } from '../jobs/job-registry.ts';
import type { VmJobActions } from '../jobs/vm-job-actions.ts';
import type { Logger } from '../log.ts';
import type { BridgeMetrics } from '../metrics/bridge-metrics.ts';
import type { VmManagement } from '../vm-management.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';

export interface HttpContext {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  hub: Hub;
  /** The task log. */
  jobs: JobRegistry;
  /** The VM actions that run as jobs, and what they keep (snapshot descriptions, storage for dumps and backups). */
  vmJobs: VmJobActions;
  log: Logger;
  /** Each NIC's last `set_link` through the bridge (QEMU cannot say). */
  links: LinkMemory;
  /** Usage history, sampler and the Prometheus exporter. */
  metrics: BridgeMetrics;
  startedAt: number;
  /** Web app build to serve (a "run pnpm build" page when it has no index.html). */
  webRoot: string;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
  /** The VMs' screen thumbnails (one screendump per VM at a time, shared). */
  screenshots: Screenshots;
  /**
   * Whether the Host header is checked (DNS rebinding): always without users; with users only when
   * `allowedHosts` is set, since a rebinding page has no credential to send.
   */
  checkHost: boolean;
  auth: Authenticator;
  roles: RoleCommandPolicy;
  sessions: SessionStore;
  audit: AuditStore;
  /** The config's `authProxy.userHeader`, lower case, or null. */
  proxyUserHeader: string | null;
  /** TLS options for fastify (HTTPS and WSS), or null for plain HTTP. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** fastify's `trustProxy`: whose X-Forwarded-For to believe for the client's address. */
  trustProxy: boolean | string[];
  /** Definitions, storage and jobs (the routes of issue 13). */
  management: VmManagement;
}
