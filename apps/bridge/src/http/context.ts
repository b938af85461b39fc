/** What the HTTP plugins use: the VMs, the one command pipeline, the event store, the WebSocket hub. */
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { EventStore } from '../events/event-store.ts';
import type { LinkMemory } from '../hardware/link-memory.ts';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../log.ts';
import type { BridgeMetrics } from '../metrics/bridge-metrics.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';

export interface HttpContext {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  hub: Hub;
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
}
