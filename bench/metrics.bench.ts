/**
 * Usage sampling and the metrics routes, measured side by side in one run:
 *  - the bridge's own CPU time over a minute with 20 VMs connected, first with sampling off, then (same QEMUs, the
 *    same bridge started again) with sampling every 5 s: the difference is what sampling costs, as % of one core
 *    (goal: under 1 %). Each VM is a QEMU of its own, paused before boot, with a virtio disk and a NIC (so
 *    `query-blockstats` has a drive to report); no guest runs, so no agent is asked (a guest with an agent adds
 *    one `guest-network-get-interfaces` per VM and tick);
 *  - `GET /metrics` for those 20 VMs, p50/p99, beside `GET /api/health` on the same bridge as the baseline;
 *  - the usage history of one VM filled as a year leaves it (22 series: CPU and vCPUs, 4 memory, 2 drives and 2
 *    interfaces of 4 each): its size on disk, and `GET /api/vms/:id/metrics` for each range, read in-process.
 *
 *   node --import tsx bench/metrics.bench.ts     (alone)      pnpm bench -- metrics     (with the root runner)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetricsHistory } from '../apps/bridge/src/metrics/metrics-history.ts';
import { cpuSeconds, startBridgeProcess, until } from './bridge-process.ts';
import { percentile } from './timing.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const VMS = 20;
const WINDOW_S = Number(process.env.QMPDECK_BENCH_WINDOW_S ?? 60);
const SCRAPES = 500;
const WARMUP = 50;
const QEMU_ARGS = [
  ...['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'],
  ...['-blockdev', 'driver=null-co,node-name=d0,size=67108864', '-device', 'virtio-blk-pci,drive=d0,id=vd0'],
  ...['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0,id=nic0'],
];

async function startBridge(config: string): Promise<{ child: ChildProcess; url: string }> {
  const { child, url } = await startBridgeProcess(config);
  await until(
    async () => {
      const vms = (await (await fetch(`${url}/api/vms`)).json()) as { status: string | null }[];
      return vms.length === VMS && vms.every((vm) => vm.status !== null);
    },
    'every VM connected',
    60_000,
  );
  return { child, url };
}

function stopBridge(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The bridge's CPU seconds over the window, and how many usage samples it stored meanwhile. */
async function cpuOverWindow(pid: number): Promise<number> {
  const before = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  return cpuSeconds(pid) - before;
}

async function timeGets(url: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(url);
    await response.text();
    if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

/** 22 series of one VM, as a year of sampling leaves them (each tier full, none beyond its age). */
function fillYear(history: MetricsHistory, now: number): void {
  const names = [
    'cpu',
    'cpu.vcpus',
    'memory',
    'memory.balloon',
    'memory.guest.used',
    'memory.guest.total',
    ...['vda', 'vdb'].flatMap((d) => ['read', 'write', 'readOps', 'writeOps'].map((k) => `disk.${d}.${k}`)),
    ...['eth0', 'eth1'].flatMap((i) => ['rx', 'tx', 'rxPackets', 'txPackets'].map((k) => `net.${i}.${k}`)),
  ];
  const values = (t: number) => Object.fromEntries(names.map((name, i) => [name, (t % 997) * (i + 1) + 0.5]));
  const record = (t: number) => history.record([{ vm: 'vm', time: t, values: values(t) }]);
  // Every 30 minutes for the year but its last day (what the half-hour and day tiers keep), every minute for the
  // last day (the minute tier), every 5 s for the last hour (raw).
  for (let t = now - 366 * 86_400; t < now - 86_400; t += 1800) record(t);
  for (let t = now - 86_400; t < now - 3600; t += 60) record(t);
  for (let t = now - 3600; t < now; t += 5) record(t);
  history.closeIdle(now + 60);
}

export async function benchMetrics(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-metrics-'));
  const qemus: ChildProcess[] = [];
  let bridge: ChildProcess | null = null;
  try {
    const sockets = Array.from({ length: VMS }, (_, i) => path.join(dir, `vm${i}.sock`));
    for (const socket of sockets) {
      qemus.push(
        spawn('qemu-system-x86_64', [...QEMU_ARGS, '-qmp', `unix:${socket},server=on,wait=off`], {
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
    }
    await until(() => sockets.every((socket) => existsSync(socket)), 'every QMP socket', 60_000);
    const config = (sampling: boolean) => {
      const file = path.join(dir, `config-${sampling}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          database: path.join(dir, 'events.db'),
          // Its sockets (QMP endpoints) in the bench's directory, not the user's runtime directory.
          runtimeDir: path.join(dir, 'run-events'),
          metrics: { enabled: sampling, intervalSeconds: 5 },
          vms: sockets.map((socket, i) => ({ id: `vm${i}`, qmp: { socket } })),
        }),
      );
      return file;
    };

    const off = await startBridge(config(false));
    bridge = off.child;
    await new Promise((r) => setTimeout(r, 3000));
    const idle = await cpuOverWindow(off.child.pid as number);
    await stopBridge(off.child);

    const on = await startBridge(config(true));
    bridge = on.child;
    // One tick in: every probe has found its QEMU.
    await new Promise((r) => setTimeout(r, 6000));
    const sampling = await cpuOverWindow(on.child.pid as number);
    const pct = (seconds: number) => `${((seconds / WINDOW_S) * 100).toFixed(2)} %`;
    report(`bridge CPU with ${VMS} VMs over ${WINDOW_S} s (one host core = 100 %)`, [
      { sampling: 'off', 'cpu s': idle.toFixed(2), 'of a core': pct(idle) },
      { sampling: 'every 5 s', 'cpu s': sampling.toFixed(2), 'of a core': pct(sampling) },
      {
        sampling: 'cost of sampling',
        'cpu s': (sampling - idle).toFixed(2),
        'of a core': pct(sampling - idle),
        'ms per tick (20 VMs)': (((sampling - idle) / (WINDOW_S / 5)) * 1000).toFixed(1),
      },
    ]);

    const warm = async (url: string) => void (await timeGets(url, WARMUP));
    await warm(`${on.url}/metrics`);
    await warm(`${on.url}/api/health`);
    const scrape = await timeGets(`${on.url}/metrics`, SCRAPES);
    const health = await timeGets(`${on.url}/api/health`, SCRAPES);
    const bytes = (await (await fetch(`${on.url}/metrics`)).text()).length;
    const row = (route: string, samples: number[], size?: number) => ({
      route,
      'p50 ms': percentile(samples, 50).toFixed(2),
      'p99 ms': percentile(samples, 99).toFixed(2),
      ...(size === undefined ? {} : { bytes: size }),
    });
    report(`routes with ${VMS} VMs sampled (${SCRAPES} sequential GETs each)`, [
      row('GET /metrics', scrape, bytes),
      row('GET /api/health (baseline)', health),
    ]);
    await stopBridge(on.child);
    bridge = null;

    const now = Math.floor(Date.now() / 1000);
    const file = path.join(dir, 'year.db');
    const history = new MetricsHistory(file, 5, () => now * 1000);
    const filling = performance.now();
    fillYear(history, now);
    const fillMs = performance.now() - filling;
    const rows: Record<string, unknown>[] = [];
    for (const range of ['hour', 'day', 'week', 'month', 'year'] as const) {
      const times: number[] = [];
      let points = 0;
      for (let i = 0; i < 30; i++) {
        const started = performance.now();
        const answer = history.read('vm', range, now);
        times.push(performance.now() - started);
        points = Object.values(answer.series).reduce((sum, series) => sum + series.length, 0);
      }
      rows.push({
        range,
        points,
        'p50 ms': percentile(times, 50).toFixed(2),
        'p99 ms': percentile(times, 99).toFixed(2),
      });
    }
    const used = history.sizeBytes();
    history.close();
    const onDisk = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    report('usage history of one VM, 22 series, a full year', [
      {
        'bytes in use': used,
        'file bytes (with WAL)': onDisk,
        'bytes per series': Math.round(used / 22),
        'fill ms': Math.round(fillMs),
      },
    ]);
    report('reading the history in-process (MetricsHistory.read, 30 reads each)', rows);
  } finally {
    if (bridge) await stopBridge(bridge);
    for (const qemu of qemus) qemu.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchMetrics((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  });
}
