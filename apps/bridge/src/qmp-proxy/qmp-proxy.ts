/**
 * The QMP proxy: a QMP endpoint per VM, served by the bridge, so that qmp-shell, QEMU's own Python `qemu.qmp`,
 * `socat` and users' scripts keep working beside the dashboard although QEMU's monitor serves one client at a
 * time (the bridge). Each endpoint speaks QMP exactly as QEMU does (qemu-json/, qmp-request.ts, replies.ts) and
 * runs every command through the command pipeline as its client (proxy-identity.ts): policy, audit, in-flight
 * list and cause, like every other way to reach a VM.
 *
 * The endpoints follow the registry: one opens when a VM is registered and closes when it goes; all close, and
 * their socket files go, when the bridge stops.
 */

import type { AuditStore } from '../audit/audit-store.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Users } from '../auth/users.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { QmpProxyConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { DEFAULT_PROXY_LIMITS, type ProxyLimits } from './limits.ts';
import { type ProxyDir, prepareProxyDir, releaseProxyDir, resolveGroup } from './proxy-dir.ts';
import { ProxyIdentity } from './proxy-identity.ts';
import { TcpPorts } from './tcp-ports.ts';
import { TcpToken } from './tcp-token.ts';
import { VmEndpoint, type VmEndpointDeps } from './vm-endpoint.ts';

export interface QmpProxyOptions {
  /** The config's `qmpProxy` (the caller does not start the proxy when it is false). */
  config: Exclude<QmpProxyConfig, false> | undefined;
  registry: VmRegistry;
  users: Users;
  auth: Authenticator;
  audit: AuditStore;
  pipeline: CommandPipeline;
  log: Logger;
  /** The bridge's runtime directory (launch/runtime-dir.ts): the sockets' directory unless `qmpProxy.dir` says. */
  runtimeDir: string;
  limits?: ProxyLimits | undefined;
}

export class QmpProxy {
  readonly #endpoints = new Map<string, VmEndpoint>();
  /** Endpoints open one after another, so ports from a base follow the registration order. */
  #opening: Promise<void> = Promise.resolve();
  #stopListening: () => void = () => {};
  #clients = 0;

  private constructor(
    readonly dir: ProxyDir,
    readonly token: TcpToken | null,
    readonly deps: Omit<VmEndpointDeps, 'nextClientId'>,
  ) {}

  /** Prepares the directory (a problem there throws ProxyDirError) and opens an endpoint per registered VM. */
  static async start(options: QmpProxyOptions): Promise<QmpProxy> {
    const config = options.config ?? {};
    const gid = config.group === undefined ? null : await resolveGroup(config.group);
    const dir = prepareProxyDir(config.dir ?? options.runtimeDir, gid, config.dir === undefined);
    // With users, TCP clients present their own API tokens: no shared token file.
    const token = config.tcp && !options.users.any ? TcpToken.create(dir.path, gid) : null;
    if (token === null) TcpToken.removeStale(dir.path);
    const tcp = config.tcp ? new TcpPorts(typeof config.tcp === 'object' ? config.tcp.basePort : null) : null;
    const identity = new ProxyIdentity({
      users: options.users,
      auth: options.auth,
      audit: options.audit,
      log: options.log,
      configuredUser: config.user,
      tcpToken: token,
    });
    if (identity.unixClientsAuthenticate) {
      options.log.warn(
        'QMP proxy: qmpProxy.user is not set, so clients of the unix sockets act as nobody until they ' +
          'authenticate with an API token (__org.qmpdeck_authenticate), as TCP clients do',
      );
    }
    const proxy = new QmpProxy(dir, token, {
      dir,
      tcp,
      identity,
      pipeline: options.pipeline,
      log: options.log,
      limits: options.limits ?? DEFAULT_PROXY_LIMITS,
    });
    proxy.#stopListening = options.registry.listen({
      added: (vm) => proxy.#open(vm),
      removed: (vm) => void proxy.#close(vm.id),
    });
    for (const vm of options.registry.all()) proxy.#open(vm);
    await proxy.#opening;
    options.log.info({ dir: dir.path, tcp: tcp !== null }, 'QMP proxy serving each VM at <dir>/<id>.qmp');
    return proxy;
  }

  /** The endpoint of a VM, while it has one. */
  endpoint(vmId: string): VmEndpoint | undefined {
    return this.#endpoints.get(vmId);
  }

  /** Resolves once the endpoints of the VMs registered so far are listening. */
  ready(): Promise<void> {
    return this.#opening;
  }

  async stop(): Promise<void> {
    this.#stopListening();
    await this.#opening;
    await Promise.all([...this.#endpoints.keys()].map((id) => this.#close(id)));
    this.token?.remove();
    releaseProxyDir(this.dir);
  }

  #open(vm: VmSupervisor): void {
    const endpoint = new VmEndpoint(vm, { ...this.deps, nextClientId: () => `qmp-proxy-${++this.#clients}` });
    this.#endpoints.set(vm.id, endpoint);
    this.#opening = this.#opening.then(() => endpoint.open());
  }

  async #close(vmId: string): Promise<void> {
    const endpoint = this.#endpoints.get(vmId);
    if (!endpoint) return;
    this.#endpoints.delete(vmId);
    await endpoint.close();
  }
}
