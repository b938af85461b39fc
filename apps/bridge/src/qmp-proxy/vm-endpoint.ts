/**
 * One VM's QMP endpoint: the unix socket `<dir>/<id>.qmp` (and a loopback TCP port when configured), its clients,
 * QEMU's events fanned out to them, and their end when the VM's QMP connection ends (as QEMU's own monitor closes
 * with QEMU). Clients that connect while the VM is not connected wait for their greeting until it is.
 */
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import type { QmpClient, QmpEvent } from '@qmpdeck/qmp';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { Logger } from '../log.ts';
import { normalizeAddress } from '../security/address.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { ProxyLimits } from './limits.ts';
import { claimSocketPath, type ProxyDir, secureSocket } from './proxy-dir.ts';
import type { ProxyIdentity } from './proxy-identity.ts';
import { ProxySession } from './proxy-session.ts';
import { eventLine } from './replies.ts';
import { PROXY_TCP_HOST, type TcpPorts } from './tcp-ports.ts';

export interface VmEndpointDeps {
  dir: ProxyDir;
  /** Null when TCP is not offered. */
  tcp: TcpPorts | null;
  identity: ProxyIdentity;
  pipeline: CommandPipeline;
  log: Logger;
  limits: ProxyLimits;
  nextClientId: () => string;
}

export class VmEndpoint {
  readonly socketPath: string;
  readonly #sessions = new Set<ProxySession>();
  readonly #servers: net.Server[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  readonly #watched = new WeakSet<QmpClient>();

  constructor(
    readonly vm: VmSupervisor,
    readonly deps: VmEndpointDeps,
  ) {
    this.socketPath = join(deps.dir.path, `${vm.id}.qmp`);
  }

  get clients(): number {
    return this.#sessions.size;
  }

  /** Listens; the VM object then lists the endpoint. A socket that cannot be made is logged, and the VM has none. */
  async open(): Promise<void> {
    const { vm, deps } = this;
    this.#unsubscribe.push(
      vm.qmpTap.onConnection((client) => this.#connected(client)),
      vm.qmpTap.onEvent((event) => this.#event(event)),
    );
    const live = this.#liveConnection();
    if (live) this.#watch(live);
    try {
      const problem = await claimSocketPath(this.socketPath);
      if (problem !== null) throw new Error(problem);
      const unix = this.#server('unix');
      unix.listen({ path: this.socketPath });
      await once(unix, 'listening');
      secureSocket(this.socketPath, deps.dir.gid);
      let tcp: { host: string; port: number } | undefined;
      if (deps.tcp) tcp = { host: PROXY_TCP_HOST, port: await deps.tcp.listen(this.#server('tcp')) };
      vm.setQmpProxy({ socket: this.socketPath, ...(tcp ? { tcp } : {}) });
      deps.log.debug({ vm: vm.id, socket: this.socketPath, tcp }, 'QMP proxy endpoint ready');
    } catch (err) {
      deps.log.error(
        { vm: vm.id, socket: this.socketPath, reason: (err as Error).message },
        'QMP proxy endpoint not created',
      );
      await this.close();
    }
  }

  /**
   * Stops listening, ends every client, removes the socket file. The VM object is left as it is: this runs when the
   * VM goes or the bridge stops, and a `vm` message then would bring a removed VM back to the dashboards.
   */
  async close(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    const closing = this.#servers
      .splice(0)
      .map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const session of this.#sessions) session.end();
    await Promise.all(closing);
  }

  #server(transport: 'unix' | 'tcp'): net.Server {
    // Half-open: a client that ends its input (echo ... | socat) still reads its answers, as from QEMU.
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) =>
      this.#accept(socket, transport),
    );
    server.on('error', (err) =>
      this.deps.log.warn({ vm: this.vm.id, transport, err }, 'QMP proxy endpoint error'),
    );
    this.#servers.push(server);
    return server;
  }

  #accept(socket: net.Socket, transport: 'unix' | 'tcp'): void {
    const { deps, vm } = this;
    if (this.#sessions.size >= deps.limits.maxClientsPerVm) {
      deps.log.warn(
        { vm: vm.id, limit: deps.limits.maxClientsPerVm },
        'QMP proxy client refused: too many clients',
      );
      socket.destroy();
      return;
    }
    const clientId = deps.nextClientId();
    const address = transport === 'tcp' ? socket.remoteAddress : undefined;
    const remote = address === undefined ? null : normalizeAddress(address);
    const admission = deps.identity.admit({ vm: vm.id, id: clientId, transport, remote });
    if (admission.kind === 'refused') {
      // As QEMU's monitor with a client it will not serve: no greeting, the connection closed.
      socket.destroy();
      return;
    }
    if (transport === 'tcp') socket.setNoDelay(true);
    const session = new ProxySession(socket, {
      vmId: vm.id,
      clientId,
      transport,
      remote,
      identity: deps.identity,
      principal: admission.kind === 'acts-as' ? admission.principal : null,
      pipeline: deps.pipeline,
      log: deps.log,
      limits: deps.limits,
      onClose: (closed) => {
        this.#sessions.delete(closed);
        deps.log.debug({ vm: vm.id, client: clientId }, 'QMP proxy client left');
      },
    });
    this.#sessions.add(session);
    deps.log.debug({ vm: vm.id, client: clientId, transport, remote }, 'QMP proxy client connected');
    const live = this.#liveConnection();
    if (live) session.greet(live);
  }

  #liveConnection(): QmpClient | null {
    const client = this.vm.qmp.client;
    return client && !client.closed ? client : null;
  }

  #connected(client: QmpClient): void {
    this.#watch(client);
    for (const session of this.#sessions) session.greet(client);
  }

  /** When a QMP connection ends, so do the clients greeted from it (a new one greets those still waiting). */
  #watch(client: QmpClient): void {
    if (this.#watched.has(client)) return;
    this.#watched.add(client);
    client.on('close', () => {
      for (const session of this.#sessions) if (session.connection === client) session.end();
    });
  }

  #event(event: QmpEvent): void {
    if (this.#sessions.size === 0) return;
    const line = eventLine(event);
    for (const session of this.#sessions) session.event(line);
  }
}
