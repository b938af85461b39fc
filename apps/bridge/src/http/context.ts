/** What every route handler may use. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';

export interface HttpContext {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  log: Logger;
  startedAt: number;
  /** Web app build to serve (a "run pnpm build" page when it has no index.html). */
  webRoot: string;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  ctx: HttpContext;
}

export type RouteHandler = (request: RouteRequest) => Promise<void> | void;
