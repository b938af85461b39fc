/**
 * Following QEMU's jobs (issue 16): a real bridge (its CLI, a child process) follows a rate-limited backup of a
 * 512 MiB qcow2 disk of a real QEMU.
 *
 * - The bridge's CPU while following the running job (a WebSocket client receiving its `job` messages), beside
 *   the same bridge idle with the same VM in the same run (goal: under 1 % of a core more than idle). From
 *   /proc/<pid>/stat (utime + stime) over the same span each.
 * - The progress bar's lag behind QEMU's own figures: at each `job` message a WebSocket client receives, QEMU is
 *   asked at once on a second monitor (`query-jobs`); the bytes QEMU is ahead, at the job's rate, are how late the
 *   bar is (goal: under 250 ms).
 *
 *   node --import tsx bench/jobs.bench.ts     (alone)      pnpm bench -- jobs     (with the root runner)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocket } from '../apps/bridge/src/testing/ws-lib.ts';
import type { Job, ServerMessage } from '../packages/protocol/src/index.ts';
import { QmpClient } from '../packages/qmp/src/index.ts';
import { cpuSeconds, startBridgeProcess, until } from './bridge-process.ts';
import { percentile } from './timing.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const MiB = 1024 * 1024;
const DISK_MIB = 512;
const SPEED = 32 * MiB;
const SPAN_MS = 6000;

async function cpuPercent(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Math.round(((cpuSeconds(pid) - before) / (ms / 1000)) * 1000) / 10;
}

export async function benchJobs(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-jobs-'));
  const children: ChildProcess[] = [];
  let monitor: QmpClient | undefined;
  let ws: WebSocket | undefined;
  try {
    const disk = path.join(dir, 'disk.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, `${DISK_MIB}M`]);
    const sockets = { bridge: path.join(dir, 'bridge.sock'), bench: path.join(dir, 'bench.sock') };
    const qemu = spawn(
      'qemu-system-x86_64',
      [
        ...['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'],
        ...['-blockdev', `driver=qcow2,node-name=drvA,file.driver=file,file.filename=${disk}`],
        ...['-device', 'virtio-blk-pci,drive=drvA,id=vblk0'],
        ...['-qmp', `unix:${sockets.bridge},server=on,wait=off`],
        ...['-qmp', `unix:${sockets.bench},server=on,wait=off`],
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    children.push(qemu);
    await until(() => existsSync(sockets.bridge) && existsSync(sockets.bench), 'the QMP sockets');
    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: path.join(dir, 'events.db'),
        // Its sockets (QMP endpoints) in the bench's directory, not the user's runtime directory.
        runtimeDir: path.join(dir, 'run-events'),
        vms: [{ id: 'bench', qmp: { socket: sockets.bridge } }],
        storage: [{ id: 'backups', path: path.join(dir, 'backups'), content: ['backup'] }],
      }),
    );
    const bridge = await startBridgeProcess(config);
    children.push(bridge.child);
    const pid = bridge.child.pid as number;
    await until(async () => {
      const vms = (await (await fetch(`${bridge.url}/api/vms`)).json()) as { status: string | null }[];
      return vms[0]?.status === 'prelaunch';
    }, 'the VM connected');
    monitor = await QmpClient.connect({ path: sockets.bench });
    const qemuMonitor = monitor;

    const samples: { lagMs: number }[] = [];
    const socket = new WebSocket(`${bridge.url.replace(/^http/, 'ws')}/api/ws`);
    ws = socket;
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    let measuring = false;
    let rate = SPEED;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type !== 'job' || message.job.status !== 'running' || !measuring) return;
      const job: Job = message.job;
      rate = job.rate ?? rate;
      void qemuMonitor.execute('query-jobs').then((answer) => {
        const qemuJobs = answer as { 'current-progress': number; status: string }[];
        const ahead =
          qemuJobs.reduce((sum, j) => sum + j['current-progress'], 0) - (job.progress?.current ?? 0);
        if (qemuJobs.length > 0 && ahead >= 0) samples.push({ lagMs: (ahead / rate) * 1000 });
      });
    });

    const idle = await cpuPercent(pid, SPAN_MS);
    const started = (await (
      await fetch(`${bridge.url}/api/vms/bench/backups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ speed: SPEED }),
      })
    ).json()) as Job;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    measuring = true;
    const following = await cpuPercent(pid, SPAN_MS);
    measuring = false;
    await fetch(`${bridge.url}/api/jobs/${started.id}/cancel`, { method: 'POST' });
    const lags = samples.map((sample) => sample.lagMs);
    report('jobs: the bridge following a running backup (32 MiB/s, 512 MiB qcow2)', [
      { measure: 'bridge CPU, idle (% of one core)', value: idle, goal: '' },
      { measure: 'bridge CPU, following the job (% of one core)', value: following, goal: '' },
      {
        measure: 'following minus idle (% of one core)',
        value: Math.round((following - idle) * 10) / 10,
        goal: '< 1',
      },
      { measure: 'job messages measured', value: lags.length, goal: '' },
      {
        measure: 'progress lag behind QEMU, median (ms)',
        value: Math.round(percentile(lags, 50)),
        goal: '< 250',
      },
      { measure: 'progress lag behind QEMU, p95 (ms)', value: Math.round(percentile(lags, 95)), goal: '' },
    ]);
  } finally {
    ws?.close();
    await monitor?.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchJobs((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
