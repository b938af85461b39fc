/**
 * Maps method + path to a handler. `/api/*` paths that match nothing get a JSON
 * 404 (or 405 when only the method is wrong); everything else is the web app.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BridgeError, toErrorBody } from '../bridge-error.ts';
import { isHostAllowed } from '../security/host.ts';
import { isOriginAllowed } from '../security/origin.ts';
import type { HttpContext, RouteHandler } from './context.ts';
import { listEvents } from './events.ts';
import { executeCommand } from './execute.ts';
import { executeGuestCommand } from './guest-execute.ts';
import { getHealth } from './health.ts';
import { listInflight } from './inflight-routes.ts';
import { sendError } from './respond.ts';
import { getSchema } from './schema.ts';
import { serveStatic } from './static.ts';
import { getVm, killVm, listVms, startVm } from './vms.ts';

interface Route {
  method: string;
  pattern: RegExp;
  params: string[];
  handler: RouteHandler;
}

function route(method: string, path: string, handler: RouteHandler): Route {
  const params: string[] = [];
  const source = path.replace(/:(\w+)/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), params, handler };
}

const ROUTES: Route[] = [
  route('GET', '/api/health', getHealth),
  route('GET', '/api/vms', listVms),
  route('GET', '/api/vms/:id', getVm),
  route('POST', '/api/vms/:id/execute', executeCommand),
  route('POST', '/api/vms/:id/guest/execute', executeGuestCommand),
  route('POST', '/api/vms/:id/start', startVm),
  route('POST', '/api/vms/:id/kill', killVm),
  route('GET', '/api/vms/:id/events', listEvents),
  route('GET', '/api/vms/:id/inflight', listInflight),
  route('GET', '/api/vms/:id/schema', getSchema),
];

export function createRequestHandler(ctx: HttpContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res, ctx).catch((err: unknown) => {
      // QEMU's refusals and the bridge's own are answers, not failures; only the unexpected is logged.
      if (toErrorBody(err).status === 500) {
        ctx.log.error({ err, url: req.url }, 'request failed');
      }
      sendError(res, err);
    });
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function handle(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  if (!isHostAllowed(req, ctx.allowedHosts)) {
    throw new BridgeError(
      'Forbidden',
      `Host "${req.headers.host}" is not a name of this bridge; behind a proxy, add it to "allowedHosts"`,
      403,
    );
  }
  // A page on another site can send a POST without reading the answer (no CORS needed): refuse it by Origin.
  if (!SAFE_METHODS.has(req.method ?? 'GET') && !isOriginAllowed(req, ctx.allowedOrigins)) {
    throw new BridgeError('Forbidden', `requests from the page ${req.headers.origin} are not allowed`, 403);
  }
  const url = new URL(req.url ?? '/', 'http://bridge');
  const path = url.pathname;
  if (path !== '/api' && !path.startsWith('/api/')) {
    await serveStatic({ req, res, params: {}, query: url.searchParams, ctx });
    return;
  }
  let pathMatched = false;
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (candidate.method !== req.method && !(candidate.method === 'GET' && req.method === 'HEAD')) continue;
    const params: Record<string, string> = {};
    for (const [index, name] of candidate.params.entries()) params[name] = safeDecode(match[index + 1] ?? '');
    await candidate.handler({ req, res, params, query: url.searchParams, ctx });
    return;
  }
  if (pathMatched) throw new BridgeError('MethodNotAllowed', `${req.method} is not allowed on ${path}`, 405);
  throw new BridgeError('NotFound', `no API route ${req.method} ${path}`, 404);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BridgeError('BadRequest', `malformed URL component "${text}"`, 400);
  }
}
