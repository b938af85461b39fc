/** What the HTTP plugins use: the VMs, the one command pipeline, the event store, the WebSocket hub. */
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { Screenshots } from '../consoles/screenshots.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';

export interface HttpContext {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  hub: Hub;
  log: Logger;
  startedAt: number;
  /** Web app build to serve (a "run pnpm build" page when it has no index.html). */
  webRoot: string;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
  /** The VMs' screen thumbnails (one screendump per VM at a time, shared). */
  screenshots: Screenshots;
}
