/**
 * Composes the bridge: the database (events, audit log, sessions), who may do what (users, roles, sessions,
 * failure limits), VM supervisors, the command pipeline, usage sampling and its history with the Prometheus
 * exporter, WebSocket hub and HTTP routes on one HTTP or HTTPS server, and the QMP proxy's endpoint per VM.
 * `startBridge` is what main runs and what tests run in-process (port 0); `stop` is the graceful shutdown
 * (in-flight commands answered, clients told, managed QEMUs stopped, audit written, database closed).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditStore, DEFAULT_AUDIT_RETENTION } from './audit/audit-store.ts';
import { Audits, StoreAudit } from './audit/store-audit.ts';
import { Authenticator } from './auth/authenticator.ts';
import { FailureLimiter } from './auth/failure-limiter.ts';
import { RoleCommandPolicy } from './auth/role-command-policy.ts';
import { effectivePolicies } from './auth/role-policy.ts';
import { DEFAULT_SESSION_LIMITS, SessionStore } from './auth/session-store.ts';
import { Users } from './auth/users.ts';
import { type CommandAudit, LogAudit } from './commands/command-audit.ts';
import { CommandPipeline } from './commands/command-pipeline.ts';
import type { CommandPolicy } from './commands/command-policy.ts';
import type { BridgeConfig } from './config/schema.ts';
import { Screenshots } from './consoles/screenshots.ts';
import { serialLogDir } from './consoles/vm-consoles.ts';
import { openDatabase, type SqliteDatabase } from './database/database.ts';
import { DiscoveryWatcher } from './discovery/discovery-watcher.ts';
import { defaultDatabasePath, EventStore } from './events/event-store.ts';
import { HardwareRead } from './hardware/hardware-read.ts';
import { LinkMemory } from './hardware/link-memory.ts';
import { isHibernated } from './hibernate/hibernation-file.ts';
import type { HttpContext } from './http/context.ts';
import { createHttpApp } from './http/http-app.ts';
import { Hub } from './hub/hub.ts';
import type { JobRegistry } from './jobs/job-registry.ts';
import { vmJobTimeline } from './jobs/job-timeline.ts';
import { VmJobActions } from './jobs/vm-job-actions.ts';
import { vmJobRunners } from './jobs/vm-job-runners.ts';
import { defaultRuntimeRoot } from './launch/runtime-dir.ts';
import { RuntimeRoot, RuntimeRootBusy } from './launch/runtime-lock.ts';
import { createLogger, type Logger } from './log.ts';
import { BridgeMetrics } from './metrics/bridge-metrics.ts';
import type { ProxyLimits } from './qmp-proxy/limits.ts';
import { ProxyDirError } from './qmp-proxy/proxy-dir.ts';
import { QmpProxy } from './qmp-proxy/qmp-proxy.ts';
import { AddressSet } from './security/address.ts';
import { readTls } from './security/tls-files.ts';
import { StartupError } from './startup-error.ts';
import { openVmManagement, type VmManagement } from './vm-management.ts';
import { VmRegistry } from './vms/vm-registry.ts';
import { VmSupervisor, type VmSupervisorOptions } from './vms/vm-supervisor.ts';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));
const DRAIN_LIMIT_MS = 5000;
/** Age retention runs at most this often (and at least every tenth of maxAge); the store keeps the count itself. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_AT_MOST_EVERY_MS = 1000;

export interface StartOptions {
  config: BridgeConfig;
  /** Overrides config.host (the CLI's --host). */
  host?: string | undefined;
  port?: number | undefined;
  log?: Logger | undefined;
  webRoot?: string | undefined;
  /** The root of managed VMs' runtime directories (`<root>/vms/<id>`); overrides config `runtimeDir`. */
  runtimeBase?: string | undefined;
  /** Reconnect backoff cap; tests shorten it. */
  maxRetryDelayMs?: number | undefined;
  /** How long to wait for QMP's greeting before calling the monitor busy; tests shorten it. */
  greetingTimeoutMs?: number | undefined;
  /** How long a connect may take before the attempt fails; tests shorten it. */
  connectTimeoutMs?: number | undefined;
  maxBufferedBytes?: number | undefined;
  /** WebSocket ping interval; tests shorten it. */
  heartbeatMs?: number | undefined;
  /** At most one `vm` message per VM per this many ms when only its latest event changed; tests shorten it. */
  latestEventPushMs?: number | undefined;
  /** Who may run what (the command pipeline's authorize step); default: the roles of the config's users. */
  policy?: CommandPolicy | undefined;
  /** Where every command's outcome goes besides the audit log (the pipeline's audit step); default: the log. */
  audit?: CommandAudit | undefined;
  /** What one QMP proxy client may hold; tests lower it. */
  qmpProxyLimits?: ProxyLimits | undefined;
  /** At most one screendump per VM this often (ms); default 2000. */
  screenshotIntervalMs?: number | undefined;
  /** The clock of sessions, failure counts and the audit log; tests move it to expire a session. */
  now?: (() => number) | undefined;
  /** How often open WebSockets' sessions are checked (kept alive, closed once ended); tests shorten it. */
  sessionCheckMs?: number | undefined;
}

export interface RunningBridge {
  url: string;
  host: string;
  port: number;
  registry: VmRegistry;
  store: EventStore;
  hub: Hub;
  pipeline: CommandPipeline;
  /** The task log: the bridge's and QEMU's jobs. */
  jobs: JobRegistry;
  /** The QMP endpoints per VM; null when the config turns them off. */
  qmpProxy: QmpProxy | null;
  screenshots: Screenshots;
  audit: AuditStore;
  sessions: SessionStore;
  metrics: BridgeMetrics;
  stop(): Promise<void>;
}

export { StartupError };

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startBridge(options: StartOptions): Promise<RunningBridge> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const host = options.host ?? config.host ?? DEFAULT_HOST;
  const port = options.port ?? config.port ?? DEFAULT_PORT;
  const users = new Users(config.users ?? []);
  if (!isLoopback(host) && !users.any) {
    throw new StartupError(
      `refusing to listen on ${host}: no users are configured, and without users anyone who can reach the ` +
        'bridge controls every VM, so it only binds loopback addresses (127.0.0.1, ::1). To listen on a network, ' +
        'add one: `pnpm start -- new-token` / `hash-password`, see docs/operations.md',
    );
  }
  const tls = config.tls === undefined ? null : readTls(config.tls);
  const log = options.log ?? createLogger(config.logLevel ?? 'info');
  if (!isLoopback(host) && tls === null) {
    log.warn(
      { host },
      'serving plain HTTP on a network address: passwords, tokens and session cookies cross the network ' +
        'unencrypted; set "tls" in the config or put a TLS reverse proxy in front (docs/operations.md, "Behind a reverse proxy")',
    );
  }
  const runtime = claimRuntimeRoot(options.runtimeBase ?? config.runtimeDir ?? defaultRuntimeRoot(), config);
  // Serial logs live beside the event database, so they outlive a restart as the events do.
  const databasePath = config.database ?? defaultDatabasePath();
  const dataDir = databasePath === ':memory:' ? runtime.path : dirname(databasePath);
  const { db, store, auditStore, sessions } = openStores(config, now);
  const auth = new Authenticator({
    users,
    sessions,
    limiter: new FailureLimiter(undefined, now),
    proxy:
      config.authProxy === undefined
        ? null
        : {
            header: config.authProxy.userHeader.toLowerCase(),
            trusted: new AddressSet(config.authProxy.trustedProxies),
          },
    log,
  });
  const roles = new RoleCommandPolicy(effectivePolicies(config.policy));
  const registry = new VmRegistry();
  const links = new LinkMemory();
  let metrics: BridgeMetrics;
  try {
    metrics = new BridgeMetrics({
      config: config.metrics,
      eventDatabase: config.database ?? defaultDatabasePath(),
      registry,
      log,
      publishUsage: (vm, sample) => hub.publishUsage(vm, sample),
      websocketClients: () => hub.clientCount,
    });
  } catch (err) {
    db.close();
    runtime.release();
    throw new StartupError(`cannot open the usage history: ${(err as Error).message}`);
  }
  const policy = options.policy ?? roles;
  const management = openVmManagement({
    config,
    db,
    registry,
    runtime,
    log,
    publishJob: (job) => hub.publishJob(job),
    publishRemoved: (id) => hub.publishVmRemoved(id),
    supervise: ({ guestAgent, ...vm }) =>
      new VmSupervisor({
        ...supervisorBase(vm.id),
        ...vm,
        origin: 'defined',
        qga: guestAgent ? undefined : false,
      }),
    run: (request) => pipeline.run(request),
    timeline: vmJobTimeline(registry),
  });
  const { jobs } = management;
  const vmJobs = new VmJobActions({
    jobs,
    db,
    storage: config.storage ?? [],
    log,
    defined: management.defined,
  });
  const pipeline = new CommandPipeline({
    registry,
    audit: new Audits(
      options.audit ?? new LogAudit(log),
      new StoreAudit(auditStore),
      metrics.exporter.commandAudit,
      links,
    ),
    policy,
    timeouts: config.timeouts,
    bridgeWide: {
      'audit.read': (request) => ({
        entries: auditStore.page({ ...(request.arguments ?? {}), scope: request.principal.vms }),
      }),
      ...management.bridgeWide,
    },
    bridgeActions: { ...management.bridgeActions, ...vmJobRunners(vmJobs) },
    vmReads: { 'hardware.read': new HardwareRead(policy, links).runner },
  });
  vmJobs.attach(pipeline);
  const hub = new Hub({
    registry,
    pipeline,
    store,
    log,
    maxBufferedBytes: options.maxBufferedBytes,
    heartbeatMs: options.heartbeatMs,
    sessions: users.any ? sessions : undefined,
    sessionCheckMs: options.sessionCheckMs,
  });
  const supervisorBase = (id: string): Omit<VmSupervisorOptions, 'id' | 'origin'> => ({
    serialLogDir: serialLogDir(dataDir, id),
    store,
    log,
    runtimeBase: runtime.path,
    stopProcessOnExit: config.stopVmsOnExit ?? false,
    maxRetryDelayMs: options.maxRetryDelayMs,
    greetingTimeoutMs: options.greetingTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    latestEventPushMs: options.latestEventPushMs,
    onVm: (vm) => hub.publishVm(vm),
    onEvent: (record) => {
      hub.publishEvent(record);
      metrics.exporter.countEvent(record);
      links.eventRecorded(record);
    },
    onInflight: (vm, commands) => hub.publishInflight(vm, commands),
  });
  for (const vm of config.vms) {
    const address = vm.qmp?.socket
      ? { path: vm.qmp.socket }
      : vm.qmp
        ? { host: vm.qmp.host ?? '', port: vm.qmp.port ?? 0 }
        : undefined;
    registry.add(
      new VmSupervisor({
        ...supervisorBase(vm.id),
        id: vm.id,
        name: vm.name,
        origin: 'config',
        address,
        launch: vm.launch,
        qga: vm.qga,
        vnc: vm.vnc,
        serial: vm.serial,
      }),
    );
  }
  loadDefinitions(management, () => {
    void metrics.stop();
    db.close();
    runtime.release();
  });
  const discovery = new DiscoveryWatcher(config.discover ?? [], registry, log, {
    create: (id, path) =>
      new VmSupervisor({ ...supervisorBase(id), id, origin: 'discovered', address: { path } }),
    added: (vm) => hub.publishVm(vm.snapshot()),
  });

  const screenshots = new Screenshots({
    pipeline,
    runtimeBase: runtime.path,
    minIntervalMs: options.screenshotIntervalMs,
  });
  const ctx: HttpContext = {
    registry,
    pipeline,
    store,
    hub,
    jobs,
    vmJobs,
    log,
    links,
    metrics,
    startedAt: Date.now(),
    webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
    allowedOrigins: config.allowedOrigins ?? [],
    allowedHosts: config.allowedHosts ?? [],
    screenshots,
    // With users a rebinding page has no credential to send, so the Host check only runs where it was asked for.
    checkHost: !users.any || config.allowedHosts !== undefined,
    auth,
    roles,
    sessions,
    audit: auditStore,
    proxyUserHeader: config.authProxy?.userHeader.toLowerCase() ?? null,
    tls,
    trustProxy: config.trustProxy ?? false,
    management,
  };
  let qmpProxy: QmpProxy | null = null;
  if (config.qmpProxy !== false) {
    try {
      qmpProxy = await QmpProxy.start({
        config: config.qmpProxy,
        registry,
        users,
        auth,
        audit: auditStore,
        pipeline,
        log,
        runtimeDir: runtime.path,
        limits: options.qmpProxyLimits,
      });
    } catch (err) {
      await metrics.stop();
      db.close();
      if (err instanceof ProxyDirError) throw new StartupError(err.message);
      throw err;
    }
  }
  const app = await createHttpApp(ctx);
  const { server } = app;
  try {
    // The server itself, not app.listen(): it binds exactly the address given (app.listen binds every address of
    // a name such as localhost) and prints nothing (the one ready line is main's).
    server.listen(port, host);
    await once(server, 'listening');
  } catch (err) {
    await qmpProxy?.stop();
    await metrics.stop();
    db.close();
    runtime.release();
    const code = (err as NodeJS.ErrnoException).code;
    throw new StartupError(`cannot listen on ${host}:${port}: ${code ?? (err as Error).message}`);
  }
  const bound = (server.address() as AddressInfo).port;

  for (const vm of registry.all()) {
    if (vm.process && isHibernated(config.storage ?? [], vm.id)) vm.markHibernated(true);
  }
  await Promise.all(registry.all().map((vm) => vm.start()));
  discovery.start();
  metrics.start();
  const pruneTimer = setInterval(() => {
    store.prune();
    auditStore.prune();
    sessions.sweep();
  }, pruneInterval(store.retention.maxAgeMs)).unref();

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log.info('shutting down');
      clearInterval(pruneTimer);
      discovery.stop();
      // Stops listening; requests already being answered finish, and new ones on kept-alive sockets get 503.
      const closed = app.close();
      // Before the pipeline closes: cancelling a QEMU job sends job-cancel through it.
      await stopJobs(jobs, DRAIN_LIMIT_MS);
      pipeline.stopAccepting();
      await pipeline.drain(DRAIN_LIMIT_MS);
      await management.stop();
      await hub.close();
      await qmpProxy?.stop();
      await Promise.all(registry.all().map((vm) => vm.stop()));
      server.closeAllConnections();
      await closed;
      await metrics.stop();
      auditStore.close();
      store.close();
      screenshots.dispose();
      db.close();
      runtime.release();
    })();
    return stopping;
  };
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const scheme = tls === null ? 'http' : 'https';
  return {
    url: `${scheme}://${urlHost}:${bound}`,
    host,
    port: bound,
    registry,
    store,
    hub,
    pipeline,
    jobs,
    qmpProxy,
    screenshots,
    audit: auditStore,
    sessions,
    metrics,
    stop,
  };
}

/** Running jobs are cancelled (those QEMU cannot stop are left to end by themselves), for `limitMs` at most. */
async function stopJobs(jobs: JobRegistry, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  await Promise.race([jobs.stopAll(), limit]);
  clearTimeout(timer);
}

/**
 * The runtime root, claimed at once when the config has managed VMs (a second bridge on the same root would take
 * the same QEMUs): a StartupError if another bridge holds it.
 */
function claimRuntimeRoot(path: string, config: BridgeConfig): RuntimeRoot {
  const runtime = new RuntimeRoot(path);
  if (!config.vms.some((vm) => vm.launch !== undefined)) return runtime;
  try {
    runtime.claim();
  } catch (err) {
    if (err instanceof RuntimeRootBusy) throw new StartupError(err.message);
    throw new StartupError(`cannot use the runtime directory ${path}: ${(err as Error).message}`);
  }
  return runtime;
}

/** The VMs of the stored definitions; a runtime root held by another bridge stops the start. */
function loadDefinitions(management: VmManagement, cleanUp: () => void): void {
  try {
    management.load();
  } catch (err) {
    cleanUp();
    if (err instanceof RuntimeRootBusy) throw new StartupError(err.message);
    throw err;
  }
}

/** An event outlives maxAge by a tenth of it at most: a short age limit is pruned often, a long one every minute. */
function pruneInterval(maxAgeMs: number | null): number {
  if (maxAgeMs === null) return PRUNE_EVERY_MS;
  return Math.min(PRUNE_EVERY_MS, Math.max(PRUNE_AT_MOST_EVERY_MS, maxAgeMs / 10));
}

/** The database and what lives in it: events, the audit log, sessions. A file that cannot be opened stops the start. */
function openStores(
  config: BridgeConfig,
  now: () => number,
): { db: SqliteDatabase; store: EventStore; auditStore: AuditStore; sessions: SessionStore } {
  const databasePath = config.database ?? defaultDatabasePath();
  let db: SqliteDatabase | undefined;
  try {
    db = openDatabase(databasePath);
    const store = new EventStore(db, {
      maxEvents: config.retention?.maxEvents ?? 100_000,
      maxAgeMs: config.retention?.maxAgeDays === undefined ? null : config.retention.maxAgeDays * 86_400_000,
    });
    const auditStore = new AuditStore(
      db,
      {
        maxEntries: config.audit?.maxEntries ?? DEFAULT_AUDIT_RETENTION.maxEntries,
        maxAgeMs:
          config.audit?.maxAgeDays === undefined
            ? DEFAULT_AUDIT_RETENTION.maxAgeMs
            : config.audit.maxAgeDays * 86_400_000,
      },
      now,
    );
    const sessions = new SessionStore(
      db,
      {
        idleMs: (config.session?.idleMinutes ?? DEFAULT_SESSION_LIMITS.idleMs / 60_000) * 60_000,
        maxAgeMs: (config.session?.maxHours ?? DEFAULT_SESSION_LIMITS.maxAgeMs / 3_600_000) * 3_600_000,
      },
      now,
    );
    return { db, store, auditStore, sessions };
  } catch (err) {
    db?.close();
    throw new StartupError(`cannot open the event database ${databasePath}: ${(err as Error).message}`);
  }
}
