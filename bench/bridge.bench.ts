/**
 * The bridge measured side by side in one run:
 *  - `query-status` round trip through the bridge's WebSocket and its HTTP execute route, for the current bridge
 *    and for the baseline (the bridge before issue 11's reshaping: no command pipeline, node:http instead of
 *    fastify; unpacked from git by baseline-bridge.ts), vs a raw QMP socket to the same QEMU (each on a monitor of
 *    its own) vs a bare `ws` echo server: p50/p99 of each, the time each bridge adds over the raw socket, and the
 *    ratio after/before; and the current bridge with users (issue 12), called with a bearer token, beside the
 *    same bridge without users: what a credential check costs per call;
 *  - fan-out: 200 WebSocket clients subscribed to one VM, 100 events; every event must reach every client;
 *    delivery latency measured from QEMU's own timestamp;
 *  - the bridge's resident memory with 20 VMs connected and 200 clients.
 * The bridge and the echo server run as separate processes, as in real use; calls alternate so noise hits all alike.
 *
 *   node --import tsx bench/bridge.bench.ts     (alone)      pnpm bench -- bridge     (with the root runner)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket } from '../apps/bridge/src/testing/ws-lib.ts';
import { BASELINE_COMMIT, unpackBaselineBridge } from './baseline-bridge.ts';
import { bridgeArgv, startListening, until } from './bridge-process.ts';
import { RawQmp } from './raw-qmp.ts';
import { type Execute, percentile, roundTrips } from './timing.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CALLS = 2000;
const WARMUP = 300;
const FANOUT_CLIENTS = 200;
const FANOUT_EVENTS = 100;
const FANOUT_WARMUP = 10;
const MEMORY_VMS = 20;
const QEMU_ARGS = ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'];
/** The bench user's API token (an admin, so nothing it runs is refused). */
const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/** A WebSocket whose replies are matched by a predicate on the parsed message. */
class WsPeer {
  readonly #waiters: { match: (m: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  onMessage: ((m: Record<string, unknown>, receivedAtUs: number) => void) | null = null;
  /** When set, frames without this text are dropped unparsed, so the measuring side is not the bottleneck. */
  only: string | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const receivedAtUs = (performance.timeOrigin + performance.now()) * 1000;
      const text = String(data);
      if (this.only !== null && !text.includes(this.only)) return;
      const message = JSON.parse(text) as Record<string, unknown>;
      this.onMessage?.(message, receivedAtUs);
      const index = this.#waiters.findIndex((w) => w.match(message));
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<WsPeer> {
    const ws = new WebSocket(url, { perMessageDeflate: false, headers });
    const peer = new WsPeer(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return peer;
  }

  request(message: Record<string, unknown>, match: (m: Record<string, unknown>) => boolean): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push({ match, resolve });
      this.ws.send(JSON.stringify(message));
    });
  }
}

/** POSTs JSON on one kept-alive connection and resolves with the parsed answer (status 200 expected). */
function httpPost(
  agent: Agent,
  url: string,
  body: string,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...extraHeaders,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(file)) throw new Error(`${file} did not appear`);
}

function startQemu(sockets: string[]): ChildProcess {
  const args = [...QEMU_ARGS];
  for (const socket of sockets) args.push('-qmp', `unix:${socket},server=on,wait=off`);
  return spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 102.4) / 10;
}

export async function benchBridge(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-bridge-'));
  const children: ChildProcess[] = [];
  const sockets: WebSocket[] = [];
  try {
    // One QEMU with four monitors (this bridge, the baseline bridge, a raw client, this bridge with users), one
    // with 19 more for the memory figure.
    const main = [
      path.join(dir, 'bench.sock'),
      path.join(dir, 'raw.sock'),
      path.join(dir, 'baseline.sock'),
      path.join(dir, 'users.sock'),
    ];
    const extra = Array.from({ length: MEMORY_VMS - 1 }, (_, i) => path.join(dir, `vm${i + 1}.sock`));
    children.push(startQemu(main), startQemu(extra));
    await Promise.all([...main, ...extra].map(waitForFile));

    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: path.join(dir, 'events.db'),
        // Its sockets (QMP endpoints) in the bench's directory, not the user's runtime directory.
        runtimeDir: path.join(dir, 'run-events'),
        vms: [
          { id: 'bench', qmp: { socket: main[0] } },
          ...extra.map((socket, i) => ({ id: `vm${i + 1}`, qmp: { socket } })),
        ],
      }),
    );
    const bridge = await startListening(await bridgeArgv(config));
    children.push(bridge.child);
    const bridgeUrl = bridge.url;
    await until(async () => {
      const vms = (await (await fetch(`${bridgeUrl}/api/vms`)).json()) as { status: string | null }[];
      return vms.length === MEMORY_VMS && vms.every((vm) => vm.status !== null);
    }, 'every VM connected');
    const echo = await startListening(['--import', 'tsx', 'src/testing/ws-echo-server.ts']);
    children.push(echo.child);

    // The same bridge with users, on the same QEMU (its own monitor): every call carries a bearer token.
    const usersConfig = path.join(dir, 'users-config.json');
    writeFileSync(
      usersConfig,
      JSON.stringify({
        database: path.join(dir, 'users.db'),
        // Its sockets (QMP endpoints) in the bench's directory, not the user's runtime directory.
        runtimeDir: path.join(dir, 'run-users'),
        vms: [{ id: 'bench', qmp: { socket: main[3] } }],
        users: [{ name: 'bench', role: 'admin', token: BENCH_TOKEN }],
      }),
    );
    const withUsers = await startListening(await bridgeArgv(usersConfig));
    children.push(withUsers.child);
    const usersUrl = withUsers.url;
    const tokenHeader = { authorization: `Bearer ${BENCH_TOKEN}` };
    await until(async () => {
      const answer = await fetch(`${usersUrl}/api/vms`, { headers: tokenHeader });
      const vms = (await answer.json()) as { status: string | null }[];
      return vms[0]?.status !== null;
    }, 'the bridge with users connected');

    // The baseline bridge, on the same QEMU (its own monitor), started the same way.
    const unpacked = unpackBaselineBridge(REPO_ROOT, path.join(dir, 'baseline'));
    let baselineUrl: string | null = null;
    if ('bridgeDir' in unpacked) {
      const baselineConfig = path.join(dir, 'baseline-config.json');
      writeFileSync(
        baselineConfig,
        JSON.stringify({
          database: path.join(dir, 'baseline.db'),
          vms: [{ id: 'bench', qmp: { socket: main[2] } }],
        }),
      );
      const baseline = await startListening(
        await bridgeArgv(baselineConfig, unpacked.bridgeDir),
        unpacked.bridgeDir,
      );
      children.push(baseline.child);
      baselineUrl = baseline.url;
      await until(async () => {
        const vms = (await (await fetch(`${baselineUrl}/api/vms`)).json()) as { status: string | null }[];
        return vms[0]?.status !== null;
      }, 'the baseline connected');
    } else {
      console.log(`(no baseline bridge: ${unpacked.skipped})`);
    }

    // Round trips.
    const raw = await RawQmp.connect(main[1] as string);
    let id = 0;
    const overWs = async (url: string, headers: Record<string, string> = {}): Promise<Execute> => {
      const peer = await WsPeer.open(`${url.replace('http', 'ws')}/api/ws`, headers);
      sockets.push(peer.ws);
      return () => {
        const n = ++id;
        return peer.request(
          { type: 'execute', id: n, vm: 'bench', execute: 'query-status' },
          (m) => m.id === n,
        );
      };
    };
    const overHttp = (url: string, headers: Record<string, string> = {}): Execute => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      return () => httpPost(agent, `${url}/api/vms/bench/execute`, '{"execute":"query-status"}', headers);
    };
    const execute: Record<string, Execute> = {
      'raw QMP socket': () => raw.execute('query-status'),
      'bridge WebSocket': await overWs(bridgeUrl),
      'bridge HTTP execute': overHttp(bridgeUrl),
      'bridge with users WebSocket': await overWs(usersUrl, tokenHeader),
      'bridge with users HTTP execute': overHttp(usersUrl, tokenHeader),
    };
    if (baselineUrl !== null) {
      execute['baseline WebSocket'] = await overWs(baselineUrl);
      execute['baseline HTTP execute'] = overHttp(baselineUrl);
    }
    const viaEcho = await WsPeer.open(`ws://127.0.0.1:${echo.url}`);
    sockets.push(viaEcho.ws);
    execute['bare ws echo'] = () => {
      const n = ++id;
      return viaEcho.request(
        { type: 'execute', id: n, vm: 'bench', execute: 'query-status' },
        (m) => m.id === n,
      );
    };
    const samples: Record<string, number[]> = {};
    for (const [name, fn] of Object.entries(execute)) {
      samples[name] = [];
      await roundTrips(fn, WARMUP, null);
    }
    // Call by call in turn (the order rotating), so the noise of this shared machine hits every path alike.
    const paths = Object.entries(execute);
    for (let call = 0; call < CALLS; call++) {
      for (let i = 0; i < paths.length; i++) {
        const [name, fn] = paths[(call + i) % paths.length] as [string, Execute];
        await roundTrips(fn, 1, samples[name] ?? null);
      }
    }
    const p50 = (name: string) => percentile(samples[name] ?? [], 50);
    const p99 = (name: string) => percentile(samples[name] ?? [], 99);
    report(
      'bridge: query-status round trip (us)',
      Object.keys(execute).map((name) => ({
        path: name,
        calls: samples[name]?.length,
        p50: Math.round(p50(name)),
        p99: Math.round(p99(name)),
      })),
    );
    const addedP50 = p50('bridge WebSocket') - p50('raw QMP socket');
    report('bridge: time added over the raw QMP socket (us)', [
      {
        p50: Math.round(addedP50),
        p99: Math.round(p99('bridge WebSocket') - p99('raw QMP socket')),
        'required p50': '<= 500',
        'goal p50': '<= 150',
        verdict: addedP50 <= 150 ? 'goal met' : addedP50 <= 500 ? 'required met' : 'MISSED',
      },
    ]);
    if (baselineUrl !== null) {
      const added = (name: string, at: (n: string) => number) => at(name) - at('raw QMP socket');
      report(
        `bridge: time added over the raw QMP socket, before (${BASELINE_COMMIT}) and after the pipeline and fastify (us)`,
        (['WebSocket', 'HTTP execute'] as const).map((via) => {
          const before = { p50: added(`baseline ${via}`, p50), p99: added(`baseline ${via}`, p99) };
          const after = { p50: added(`bridge ${via}`, p50), p99: added(`bridge ${via}`, p99) };
          const ratio = after.p50 / before.p50;
          return {
            via,
            'before p50': Math.round(before.p50),
            'after p50': Math.round(after.p50),
            'before p99': Math.round(before.p99),
            'after p99': Math.round(after.p99),
            'after/before p50': Math.round(ratio * 100) / 100,
            'round trip after/before p50':
              Math.round((p50(`bridge ${via}`) / p50(`baseline ${via}`)) * 100) / 100,
            // Within 10 % (or 25 us) of the baseline counts as not worse on this noisy shared machine.
            verdict: after.p50 <= Math.max(before.p50 * 1.1, before.p50 + 25) ? 'not worse' : 'WORSE',
          };
        }),
      );
    }

    report(
      'bridge: what users cost per call, the same bridge with users (a bearer token) and without (us)',
      (['WebSocket', 'HTTP execute'] as const).map((via) => ({
        via,
        'without p50': Math.round(p50(`bridge ${via}`)),
        'with users p50': Math.round(p50(`bridge with users ${via}`)),
        'without p99': Math.round(p99(`bridge ${via}`)),
        'with users p99': Math.round(p99(`bridge with users ${via}`)),
        'with/without p50': Math.round((p50(`bridge with users ${via}`) / p50(`bridge ${via}`)) * 100) / 100,
      })),
    );

    // Fan-out: events caused through the raw monitor reach the bridge's monitor too (QMP broadcasts events).
    const wsUrl = `${bridgeUrl.replace('http', 'ws')}/api/ws`;
    const fans = await Promise.all(Array.from({ length: FANOUT_CLIENTS }, () => WsPeer.open(wsUrl)));
    sockets.push(...fans.map((f) => f.ws));
    const latencies: number[] = [];
    let delivered = 0;
    await Promise.all(
      fans.map((fan) => fan.request({ type: 'subscribe', vm: 'bench' }, (m) => m.type === 'subscribed')),
    );
    // Warm-up events (not counted), as for the round trips: steady state is what users live with.
    for (let i = 0; i < FANOUT_WARMUP; i++) {
      await raw.execute(i % 2 === 0 ? 'cont' : 'stop');
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const fan of fans) {
      fan.only = '"type":"event"';
      fan.onMessage = (m, receivedAtUs) => {
        if (m.type !== 'event' || (m.event !== 'STOP' && m.event !== 'RESUME')) return;
        const ts = m.timestamp as { seconds: number; microseconds: number };
        latencies.push(receivedAtUs - (ts.seconds * 1e6 + ts.microseconds));
        delivered++;
      };
    }
    for (let i = 0; i < FANOUT_EVENTS; i++) {
      await raw.execute(i % 2 === 0 ? 'cont' : 'stop');
      await new Promise((r) => setTimeout(r, 10));
    }
    await until(
      () => delivered >= FANOUT_CLIENTS * FANOUT_EVENTS,
      'every event at every client',
      20_000,
    ).catch(() => {});
    const fanP99 = percentile(latencies, 99) / 1000;
    report('bridge: fan-out (200 clients x 100 events)', [
      {
        expected: FANOUT_CLIENTS * FANOUT_EVENTS,
        delivered,
        'p50 ms': Math.round(percentile(latencies, 50) / 100) / 10,
        'p99 ms': Math.round(fanP99 * 10) / 10,
        'required p99': '<= 50 ms',
        'goal p99': '< 20 ms',
        verdict:
          delivered !== FANOUT_CLIENTS * FANOUT_EVENTS
            ? 'LOST EVENTS'
            : fanP99 < 20
              ? 'goal met'
              : fanP99 <= 50
                ? 'required met'
                : 'MISSED',
      },
    ]);

    const rss = rssMb(bridge.child.pid as number);
    report('bridge: resident memory', [
      {
        vms: MEMORY_VMS,
        clients: FANOUT_CLIENTS + 1,
        'RSS MB': rss,
        goal: '< 150 MB',
        verdict: rss < 150 ? 'goal met' : 'MISSED',
      },
    ]);

    // SIGKILL of the QEMU behind vm1..vm19: how long until a client sees every one of them disconnected.
    const watcher = await WsPeer.open(wsUrl);
    sockets.push(watcher.ws);
    const down = new Set<string>();
    let lastDownAt = 0;
    watcher.onMessage = (m) => {
      const vm = m.vm as { id: string; connection: string } | undefined;
      if (m.type === 'vm' && vm?.connection === 'disconnected' && vm.id !== 'bench') {
        down.add(vm.id);
        lastDownAt = performance.now();
      }
    };
    const killedAt = performance.now();
    children[1]?.kill('SIGKILL');
    await until(() => down.size === MEMORY_VMS - 1, 'every VM of the killed QEMU disconnected', 10_000);
    const benchVm = (await (await fetch(`${bridgeUrl}/api/vms/bench`)).json()) as { connection: string };
    const killMs = Math.round((lastDownAt - killedAt) * 10) / 10;
    report('bridge: QEMU killed with SIGKILL', [
      {
        'VMs on it': MEMORY_VMS - 1,
        'all shown disconnected after ms': killMs,
        'other VM': benchVm.connection,
        required: '< 1000 ms',
        verdict: killMs < 1000 && benchVm.connection === 'connected' ? 'met' : 'MISSED',
      },
    ]);
    raw.close();
  } finally {
    for (const ws of sockets) ws.terminate();
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchBridge((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
