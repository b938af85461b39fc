/**
 * The console routes. Each one decides before anything reaches QEMU, in this order: the request guards (Host,
 * Origin, then the credential: 401 without one) as for every `/api` request, then the command pipeline's
 * `authorizeConnection` for `console.view` as the request's principal (404 `VmNotFound` for a VM out of the
 * caller's scope, the same as for one that does not exist; 403 `Forbidden`), then what the VM has. A refused
 * WebSocket gets the error as the HTTP answer to its upgrade.
 *
 * - `GET /api/vms/:id/vnc` (WebSocket): 503 `VmNotConnected`, 404 `NoDisplay`; then one RFB connection, input only
 *   when the pipeline allows `console.input`. Audited once per connection.
 * - `GET /api/vms/:id/serial/:name` (WebSocket): 404 `NoSuchConsole`; then the port's screen and live bytes, input
 *   only with `serial.input`. Audited once per connection. Open while the VM is not connected too: the last screen
 *   shows what the guest said before it stopped.
 * - `GET /api/vms/:id/serial/:name/log`: the port's kept output as a download. Audited.
 * - `GET /api/vms/:id/screenshot`: a PNG with an ETag (304 for `If-None-Match`), 503, 404 `NoDisplay`. Not
 *   audited per request: thumbnails ask every few seconds while an overview is open.
 */
import type { Actor } from '@qmpdeck/protocol';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { QmpAddress } from '@qmpdeck/qmp';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { BridgeError } from '../bridge-error.ts';
import type { ConnectionAction } from '../commands/command-request.ts';
import type { HttpContext } from '../http/context.ts';
import { clientAddress, principalOf } from '../http/http-actor.ts';
import { vmIdOf } from '../http/route-schemas.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { matchesEtag } from './screenshots.ts';
import type { SerialPort } from './serial-port.ts';
import { proxyVnc } from './vnc-proxy.ts';

/** The WebSocket paths of the consoles, for the request guards (which refuse upgrades anywhere else). */
export const CONSOLE_WS_PATHS = [/^\/api\/vms\/[^/]+\/vnc$/, /^\/api\/vms\/[^/]+\/serial\/[^/]+$/];

let nextConsole = 1;
/** How long a console told the bridge is stopping may take to close before its socket is cut. */
const GOODBYE_GRACE_MS = 1000;

/** Who opens a console: a connection of its own (`console-N`), the signed-in user, the client's address. */
function consoleActor(request: FastifyRequest, origin: string): Actor {
  return {
    client: `console-${nextConsole++}`,
    user: principalOf(request).user?.name ?? null,
    origin,
    remote: clientAddress(request),
  };
}

/** What a console's pre-upgrade checks found, for its WebSocket handler. */
interface VncPass {
  actor: Actor;
  address: QmpAddress;
  input: boolean;
}
interface SerialPass {
  actor: Actor;
  port: SerialPort;
  input: boolean;
}

const nameOf = (request: FastifyRequest) => (request.params as { name: string }).name;

/** The WebSocket routes; registered where @fastify/websocket is (http/ws-routes.ts). */
export function consoleWebSocketRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const vncPasses = new WeakMap<FastifyRequest, VncPass>();
    const serialPasses = new WeakMap<FastifyRequest, SerialPass>();
    // VNC connections end with their QEMU socket, which an unmanaged VM keeps open: say goodbye when the bridge
    // stops, so it is not held open by them. (Serial viewers are closed by their ports as the VMs stop.)
    const vncSockets = new Set<WebSocket>();
    app.addHook('preClose', (done) => {
      for (const ws of vncSockets) {
        ws.close(1001, 'the bridge is shutting down');
        setTimeout(() => ws.terminate(), GOODBYE_GRACE_MS).unref();
      }
      done();
    });

    app.get(
      '/api/vms/:id/vnc',
      {
        websocket: true,
        preHandler: async (request) => {
          const actor = consoleActor(request, 'VNC console');
          const { vm, input } = await openConsole(ctx, request, actor, { console: 'vnc' }, 'console.input');
          requireConnected(vm);
          const display = vm.consoles.display;
          if ('none' in display) throw new BridgeError(BridgeErrorClass.NoDisplay, display.none, 404);
          vncPasses.set(request, { actor, address: display.address, input });
        },
      },
      (ws, request) => {
        const pass = vncPasses.get(request) as VncPass;
        vncSockets.add(ws);
        ws.on('close', () => vncSockets.delete(ws));
        proxyVnc(ws, {
          vmId: vmIdOf(request),
          client: pass.actor.client,
          address: pass.address,
          input: pass.input,
          log: ctx.log,
        });
      },
    );

    app.get(
      '/api/vms/:id/serial/:name',
      {
        websocket: true,
        preHandler: async (request) => {
          const actor = consoleActor(request, 'serial console');
          const name = nameOf(request);
          const { vm, input } = await openConsole(ctx, request, actor, { console: name }, 'serial.input');
          serialPasses.set(request, { actor, port: requirePort(vm, name), input });
        },
      },
      (ws, request) => {
        const pass = serialPasses.get(request) as SerialPass;
        pass.port.attach(ws, { id: pass.actor.client, input: pass.input });
      },
    );
  };
}

/** The plain HTTP routes. */
export function consoleHttpRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/api/vms/:id/serial/:name/log', async (request, reply) => {
      const name = nameOf(request);
      const actor = consoleActor(request, 'serial log');
      const { vm } = await openConsole(ctx, request, actor, { console: name, log: true }, null);
      const log = await requirePort(vm, name).readLog();
      return reply
        .type('text/plain; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${fileNamePart(vm.id)}-${fileNamePart(name)}.log"`,
        )
        .send(log);
    });

    app.get('/api/vms/:id/screenshot', async (request, reply) => {
      const id = vmIdOf(request);
      const actor = consoleActor(request, 'screenshot');
      const decision = await ctx.pipeline.authorizeConnection(
        {
          vm: id,
          action: 'console.view',
          actor,
          principal: principalOf(request),
          arguments: { console: 'screenshot' },
        },
        { audit: false },
      );
      if (!decision.allowed) throw new BridgeError(BridgeErrorClass.Forbidden, decision.desc, 403);
      const vm = ctx.registry.require(id);
      requireConnected(vm);
      const shot = await ctx.screenshots.take(id);
      reply.header('etag', shot.etag).header('cache-control', 'no-cache');
      if (matchesEtag(request.headers['if-none-match'], shot.etag)) return reply.code(304).send();
      return reply.type('image/png').send(shot.png);
    });
  };
}

/**
 * `console.view` through the pipeline (audited once, with whether the connection may type), then the VM. Throws
 * the refusal; answers whether `inputAction` is allowed too.
 */
async function openConsole(
  ctx: HttpContext,
  request: FastifyRequest,
  actor: Actor,
  details: Record<string, unknown>,
  inputAction: ConnectionAction | null,
): Promise<{ vm: VmSupervisor; input: boolean }> {
  const id = vmIdOf(request);
  const decision = await ctx.pipeline.authorizeConnection(
    {
      vm: id,
      action: 'console.view',
      actor,
      principal: principalOf(request),
      arguments: details,
      alsoDecide: inputAction ? [inputAction] : undefined,
    },
    { audit: true },
  );
  if (!decision.allowed) throw new BridgeError(BridgeErrorClass.Forbidden, decision.desc, 403);
  return {
    vm: ctx.registry.require(id),
    input: inputAction !== null && decision.also[inputAction] === true,
  };
}

function requireConnected(vm: VmSupervisor): void {
  if (vm.connection !== 'connected') {
    throw new BridgeError(
      BridgeErrorClass.VmNotConnected,
      `VM "${vm.id}" is not connected (${vm.connection})`,
      503,
    );
  }
}

function requirePort(vm: VmSupervisor, name: string): SerialPort {
  const port = vm.consoles.port(name);
  if (port) return port;
  const known = vm.consoles.info.serial;
  throw new BridgeError(
    BridgeErrorClass.NoSuchConsole,
    `VM "${vm.id}" has no serial console "${name}"${known.length > 0 ? `; it has ${known.join(', ')}` : ''}`,
    404,
  );
}

/** A VM id or port name as part of a download's file name: anything but letters, digits, "." "_" "-" becomes "_". */
function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}
