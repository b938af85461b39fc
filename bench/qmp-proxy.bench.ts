/**
 * The QMP proxy measured side by side in one run, against one QEMU with three monitors (the bridge's, a direct
 * client's, a direct event watcher's); the bridge runs as its own process, as in real use:
 *  - `query-status` round trip through the proxy's unix socket vs directly on QEMU's second monitor, one at a
 *    time, calls taking turns so machine noise hits all alike: p50/p99/mean and the ratio (goal < 1.5); beside
 *    them a bare byte forwarder (another Node process that only pipes the socket to a fourth monitor: no parsing,
 *    no pipeline), which is what any extra hop costs on this machine, so the proxy's own share shows. The bridge
 *    is a long-running server, so the goal is read in its steady state, after WARMUP calls each: V8 compiles the
 *    path's functions with its optimizing tier only after some thousand runs (300 were not enough: that first
 *    stretch measures 1.7–1.85 where the steady state measures 1.40–1.47 on this machine, and with V8's
 *    optimizing tiers off, `--max-opt=1`, both measure 1.75–1.9). The first JUST_STARTED calls are reported
 *    too, as what a client sees right after the bridge started;
 *  - events fanned out to 20 proxy clients: a CD tray opened and closed from the direct monitor (events without a
 *    guest CPU running, which on TCG would take a core and blur the figure), every event must reach every client;
 *    latency from QEMU's own timestamp to arrival, next to a direct monitor's watcher of the same events.
 *
 *   node --import tsx bench/qmp-proxy.bench.ts     (alone)      pnpm bench -- qmp-proxy     (with the root runner)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBridgeProcess, until } from './bridge-process.ts';
import { RawQmp } from './raw-qmp.ts';
import { type Execute, percentile, roundTrips } from './timing.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const CALLS = 2000;
/** Calls each before measuring: enough for V8's optimizing compiler to have taken the proxy's whole path. */
const WARMUP = 3000;
/** The first calls after the bridge started, reported apart. */
const JUST_STARTED = 300;
const FANOUT_CLIENTS = 20;
const EVENTS = 200;
const QEMU_ARGS = ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'];
const CDROM = ['-drive', 'if=ide,media=cdrom,id=cd0'];

/** Another process that only pipes each client's bytes to QEMU's monitor and back: the cost of a hop, nothing else. */
const FORWARDER = `
const net = require('node:net');
const [listen, target] = process.argv.slice(1);
net.createServer((client) => {
  const qemu = net.connect(target);
  client.pipe(qemu);
  qemu.pipe(client);
  client.on('error', () => qemu.destroy());
  qemu.on('error', () => client.destroy());
}).listen(listen, () => console.log('listening on ' + listen));
`;

async function startForwarder(listen: string, target: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', FORWARDER, listen, target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`the forwarder exited with ${code}`)));
  });
  return child;
}

const STAMP = /"timestamp": \{"seconds": (\d+), "microseconds": (\d+)\}/;

/** A QMP connection that only counts the events it receives and how late each arrived (µs after QEMU's stamp). */
class EventWatcher {
  readonly latencies: number[] = [];
  negotiated = false;
  #buffer = '';

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      const receivedUs = (performance.timeOrigin + performance.now()) * 1000;
      this.#buffer += data;
      for (let end = this.#buffer.indexOf('\n'); end >= 0; end = this.#buffer.indexOf('\n')) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        if (line.includes('"id": "w"')) this.negotiated = true;
        // Only the stamp is read (no JSON.parse of the line), so the measuring process is not the bottleneck.
        const stamp = STAMP.exec(line);
        if (stamp) this.latencies.push(receivedUs - (Number(stamp[1]) * 1e6 + Number(stamp[2])));
      }
    });
  }

  static async open(socketPath: string): Promise<EventWatcher> {
    const socket = net.createConnection({ path: socketPath });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const watcher = new EventWatcher(socket);
    socket.write('{"execute":"qmp_capabilities","id":"w"}\n');
    await until(() => watcher.negotiated, 'the watcher negotiated');
    return watcher;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * `rounds` rounds in which every client makes one call, each round starting with a different client, so bursts of
 * machine noise hit all alike; `into(client, round)` says where a call's round trip goes (null: not kept).
 */
async function takeTurns(
  clients: readonly { call: Execute }[],
  rounds: number,
  into: (client: number, round: number) => number[] | null,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < clients.length; k++) {
      const client = (round + k) % clients.length;
      await roundTrips((clients[client] as { call: Execute }).call, 1, into(client, round));
    }
  }
}

function startQemu(sockets: string[]): ChildProcess {
  const args = [...QEMU_ARGS, ...CDROM];
  for (const socket of sockets) args.push('-qmp', `unix:${socket},server=on,wait=off`);
  return spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

type Stats = { p50: number; p99: number; mean: number };

function stats(samples: number[]): Stats {
  return {
    p50: round1(percentile(samples, 50)),
    p99: round1(percentile(samples, 99)),
    mean: round1(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

export async function benchQmpProxy(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-qmp-proxy-'));
  const children: ChildProcess[] = [];
  const closers: (() => void)[] = [];
  try {
    const [bridged, direct, watched, forwarded] = [
      'bridge.sock',
      'direct.sock',
      'watch.sock',
      'forward.sock',
    ].map((name) => path.join(dir, name)) as [string, string, string, string];
    children.push(startQemu([bridged, direct, watched, forwarded]));
    await until(() => [bridged, direct, watched, forwarded].every((s) => existsSync(s)), 'QEMU sockets');
    const forwarder = path.join(dir, 'forwarder.sock');
    children.push(await startForwarder(forwarder, forwarded));
    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: path.join(dir, 'events.db'),
        vms: [{ id: 'bench', qmp: { socket: bridged } }],
        qmpProxy: { dir: path.join(dir, 'qmp') },
      }),
    );
    const bridge = await startBridgeProcess(config);
    children.push(bridge.child);
    let endpoint = '';
    await until(async () => {
      const [vm] = (await (await fetch(`${bridge.url}/api/vms`)).json()) as {
        status: string | null;
        qmpProxy?: { socket: string } | null;
      }[];
      endpoint = vm?.qmpProxy?.socket ?? '';
      return vm?.status !== null && endpoint !== '';
    }, 'the VM connected with its endpoint');

    const viaQemu = await RawQmp.connect(direct);
    const viaForwarder = await RawQmp.connect(forwarder);
    const viaProxy = await RawQmp.connect(endpoint);
    closers.push(
      () => viaQemu.close(),
      () => viaForwarder.close(),
      () => viaProxy.close(),
    );
    const clients: { name: string; call: Execute; samples: number[] }[] = [
      {
        name: 'QEMU directly (its second monitor)',
        call: () => viaQemu.execute('query-status'),
        samples: [],
      },
      {
        name: 'a bare byte forwarder (one more hop)',
        call: () => viaForwarder.execute('query-status'),
        samples: [],
      },
      { name: 'through the bridge’s QMP proxy', call: () => viaProxy.execute('query-status'), samples: [] },
    ];
    const early = clients.map(() => [] as number[]);
    await takeTurns(clients, WARMUP, (client, round) =>
      round < JUST_STARTED ? (early[client] as number[]) : null,
    );
    await takeTurns(clients, CALLS, (client) => (clients[client] as (typeof clients)[number]).samples);
    const rows = (title: string, samples: number[][], proxyRatio: string) => {
      const [base, hop, proxy] = samples.map(stats) as [Stats, Stats, Stats];
      const ratio = (of: Stats) => ({
        p50: round3(of.p50 / base.p50),
        p99: round3(of.p99 / base.p99),
        mean: round3(of.mean / base.mean),
      });
      report(title, [
        ...clients.map((client, n) => ({
          client: client.name,
          calls: samples[n]?.length,
          ...[base, hop, proxy][n],
        })),
        { client: 'ratio forwarder/direct (the hop alone)', calls: '', ...ratio(hop) },
        { client: proxyRatio, calls: '', ...ratio(proxy) },
      ]);
    };
    rows(
      `qmp-proxy: query-status round trip (µs, one at a time, steady state: after ${WARMUP} calls each)`,
      clients.map((client) => client.samples),
      'ratio proxy/direct (goal < 1.5)',
    );
    rows(
      `qmp-proxy: the same, the first ${JUST_STARTED} calls after the bridge started`,
      early,
      'ratio proxy/direct just after start (V8 still compiling; no goal)',
    );

    const fans = await Promise.all(Array.from({ length: FANOUT_CLIENTS }, () => EventWatcher.open(endpoint)));
    const watcher = await EventWatcher.open(watched);
    closers.push(...fans.map((fan) => () => fan.close()), () => watcher.close());
    for (let i = 0; i < EVENTS; i++) {
      await viaQemu.execute(i % 2 === 0 ? 'eject' : 'blockdev-close-tray', { device: 'cd0' });
    }
    const delivered = () => fans.reduce((sum, fan) => sum + fan.latencies.length, 0);
    await until(
      () => delivered() >= FANOUT_CLIENTS * EVENTS && watcher.latencies.length >= EVENTS,
      'every event at every client',
    );
    const all = fans.flatMap((fan) => fan.latencies);
    report(
      `qmp-proxy: ${EVENTS} events (DEVICE_TRAY_MOVED) to ${FANOUT_CLIENTS} proxy clients (latency µs after QEMU's stamp)`,
      [
        {
          client: 'QEMU directly (a third monitor)',
          delivered: watcher.latencies.length,
          expected: EVENTS,
          ...stats(watcher.latencies),
        },
        {
          client: `${FANOUT_CLIENTS} proxy clients`,
          delivered: delivered(),
          expected: FANOUT_CLIENTS * EVENTS,
          ...stats(all),
        },
      ],
    );
  } finally {
    for (const close of closers) close();
    for (const child of children.reverse()) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchQmpProxy((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  });
}
