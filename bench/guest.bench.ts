/**
 * The demo guest's boot as a person meets it: seconds from launching QEMU to the guest agent's first answer
 * (goal: under 5 s under TCG here), and to its DHCP address showing. Measured two ways in the same run: a bare
 * probe loop (fresh connection + guest-sync-delimited every 100 ms: the floor) and the bridge's GuestLink.
 *
 *   node --import tsx bench/guest.bench.ts     (alone)      pnpm bench -- guest     (with the root runner)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GuestLink } from '../apps/bridge/src/guest/guest-link.ts';
import { demoGuestArgs } from '../apps/bridge/src/guest/testing/demo-guest.ts';
import { silentLogger } from '../apps/bridge/src/log.ts';
import { type DemoGuest, findDemoGuest } from '../demo/guest/cache.ts';
import { GuestAgentClient } from '../packages/qmp/src/index.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const RUNS = Number(process.env.QMPDECK_BENCH_GUEST_RUNS ?? 3);
const LIMIT_MS = 60_000;

interface Boot {
  child: ChildProcess;
  dir: string;
  started: number;
}

function boot(guest: DemoGuest): Boot {
  const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-bench-guest-'));
  const started = performance.now();
  const child = spawn('qemu-system-x86_64', demoGuestArgs(guest, dir), { stdio: 'ignore' });
  return { child, dir, started };
}

async function shutDown(run: Boot): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    const exited = new Promise((resolve) => run.child.once('exit', resolve));
    run.child.kill('SIGKILL');
    await exited;
  }
  rmSync(run.dir, { recursive: true, force: true });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The naive strategy: one connection, re-synced every 300 ms until the agent answers. */
async function resyncOneConnection(run: Boot): Promise<{ firstAnswer: number; address: number }> {
  const socket = join(run.dir, 'qga.sock');
  while (!existsSync(socket)) await pause(20);
  const client = await GuestAgentClient.connect({ path: socket }, { syncTimeoutMs: 300 });
  try {
    let firstAnswer = 0;
    while (performance.now() - run.started < LIMIT_MS) {
      if (!client.available) {
        await client.sync().catch(() => undefined);
        continue;
      }
      firstAnswer ||= performance.now() - run.started;
      const interfaces = JSON.stringify(
        await client.execute('guest-network-get-interfaces').catch(() => null),
      );
      if (interfaces.includes('10.0.2.15')) return { firstAnswer, address: performance.now() - run.started };
      await pause(100);
    }
  } finally {
    await client.close();
  }
  throw new Error('the demo guest agent never answered');
}

/** What the dashboard sees: the bridge's link, with its own probing and settle re-reads. */
async function throughGuestLink(run: Boot): Promise<{ firstAnswer: number; address: number }> {
  let firstAnswer = 0;
  let address = 0;
  const link = new GuestLink({
    vmId: 'bench',
    socketPath: join(run.dir, 'qga.sock'),
    log: silentLogger(),
    onChange: (guest) => {
      if (guest.agent === 'connected') firstAnswer ||= performance.now() - run.started;
      if (guest.addresses?.some((a) => a.address === '10.0.2.15'))
        address ||= performance.now() - run.started;
    },
  });
  link.start();
  try {
    while (address === 0 && performance.now() - run.started < LIMIT_MS) await pause(20);
  } finally {
    await link.stop();
  }
  if (address === 0) throw new Error('the GuestLink never saw the guest address');
  return { firstAnswer, address };
}

function summary(
  label: string,
  samples: { firstAnswer: number; address: number }[],
): Record<string, unknown> {
  const seconds = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      median: ((sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000).toFixed(2),
      min: ((sorted[0] ?? 0) / 1000).toFixed(2),
      max: ((sorted[sorted.length - 1] ?? 0) / 1000).toFixed(2),
    };
  };
  const first = seconds(samples.map((s) => s.firstAnswer));
  const address = seconds(samples.map((s) => s.address));
  return {
    measured: label,
    runs: samples.length,
    'first answer s (median)': first.median,
    'first answer s (min..max)': `${first.min}..${first.max}`,
    '10.0.2.15 s (median)': address.median,
  };
}

export async function benchGuest(report: Report): Promise<void> {
  const guest = findDemoGuest();
  if (!guest) {
    report("guest: launch to the agent's first answer", [
      { skipped: 'demo guest not built (node --import tsx demo/guest/build.ts)' },
    ]);
    return;
  }
  const rows: Record<string, unknown>[] = [];
  for (const [label, measure] of [
    ['one connection, re-sync every 300 ms', resyncOneConnection],
    ['bridge GuestLink (fresh connection per probe)', throughGuestLink],
  ] as const) {
    const samples = [];
    for (let i = 0; i < RUNS; i++) {
      const run = boot(guest);
      try {
        samples.push(await measure(run));
      } finally {
        await shutDown(run);
      }
    }
    rows.push(summary(label, samples));
  }
  report(
    `guest: launch to the agent's first answer (${guest.accelerators.join(', ')}; goal < 5 s under TCG)`,
    rows,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchGuest((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  });
}
