/**
 * Usage of a guest that works, against the real demo guest as a managed VM: a busy loop started through the guest
 * agent shows as CPU above half a core within 15 s and falls back once it ends; a `dd` onto a virtio disk (a qcow2
 * made by qemu-img here) shows as a write rate on that drive; the guest's interfaces (agent statistics) and its
 * own memory view (virtio-balloon statistics) are sampled too. One boot for the whole file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsResponse, type UsageMessage, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, demoGuestBaseArgs, NO_GUEST_REASON } from '../guest/testing/demo-guest.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { exposedValue } from '../testing/exposition.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import { readCpuTicks } from './proc-files.ts';

if (!demoGuest) console.warn(NO_GUEST_REASON);

/** A TCG guest on a loaded 2-core machine boots in seconds to minutes. */
const BOOT_WAIT_MS = 120_000;
const MiB = 1024 * 1024;

/** Runs argv in the guest through the bridge's guest agent route; resolves with its exit code once it ended. */
async function guestRun(bridge: RunningBridge, argv: string[], waitMs = 60_000): Promise<number | null> {
  const [path, ...arg] = argv;
  const started = await postJson(bridge, '/api/vms/linux/guest/execute', {
    execute: 'guest-exec',
    arguments: { path, arg, 'capture-output': true },
  });
  expect(started.status).toBe(200);
  const pid = started.body.return.pid as number;
  const status = await waitFor(
    async () => {
      const answer = await postJson(bridge, '/api/vms/linux/guest/execute', {
        execute: 'guest-exec-status',
        arguments: { pid },
      });
      return answer.body.return?.exited === true ? answer.body.return : null;
    },
    `${argv.join(' ')} to end in the guest`,
    waitMs,
  );
  return (status.exitcode as number | undefined) ?? null;
}

/** Starts argv in the guest and returns at once. */
async function guestStart(bridge: RunningBridge, argv: string[]): Promise<void> {
  const [path, ...arg] = argv;
  const started = await postJson(bridge, '/api/vms/linux/guest/execute', {
    execute: 'guest-exec',
    arguments: { path, arg },
  });
  expect(started.status).toBe(200);
}

describe.skipIf(!demoGuest)('usage of the demo guest', () => {
  let dir: string;
  let bridge: RunningBridge;
  let ws: TestWsClient;

  /** The first `usage` message of the VM taken at or after `since` (ms) whose values pass `pick`. */
  const usage = (
    since: number,
    pick: (values: Record<string, number>) => boolean,
    what: string,
    timeoutMs: number,
  ) =>
    waitFor(
      () =>
        ws.messages.find(
          (m): m is UsageMessage =>
            m.type === 'usage' && m.sample.time * 1000 >= since && pick(m.sample.values),
        ),
      what,
      timeoutMs,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-usage-guest-'));
    const guest = demoGuest as NonNullable<typeof demoGuest>;
    const image = join(dir, 'data.qcow2');
    const made = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '128M'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`qemu-img create failed: ${made.stderr}`);
    bridge = await startTestBridge(dir, {
      metrics: { intervalSeconds: 1 },
      vms: [
        {
          id: 'linux',
          launch: {
            args: [
              ...demoGuestBaseArgs(guest),
              ...['-drive', `if=none,id=data,file=${image},format=qcow2,cache=none`],
              ...['-device', 'virtio-blk-pci,drive=data,id=vdata'],
              ...['-device', 'virtio-balloon-pci,id=bal0,guest-stats-polling-interval=1'],
            ],
          },
        },
      ],
    });
    ws = await TestWsClient.connect(bridge.url);
    ws.send({ type: 'subscribe', vm: 'linux' });
    await waitFor(
      async () => Vm.parse((await getJson(bridge, '/api/vms/linux')).body).guest?.agent === 'connected',
      'the guest agent to answer',
      BOOT_WAIT_MS,
    );
  }, BOOT_WAIT_MS + 20_000);

  afterAll(async () => {
    ws?.close();
    await bridge?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows a busy loop as more than half a core within 15 s, and falls back once it ends', async () => {
    const pid = Vm.parse((await getJson(bridge, '/api/vms/linux')).body).process?.pid as number;
    const kernelBefore = { ticks: (await readCpuTicks(pid)) as number, at: Date.now() };
    const started = Date.now();
    await guestStart(bridge, ['/bin/busybox', 'timeout', '10', 'sh', '-c', 'while :; do :; done']);
    const busy = await usage(
      started,
      (values) => (values.cpu ?? 0) > 50,
      'CPU above 50% of a core',
      15_000,
    ).catch(() => null);
    if (busy === null) {
      // Only a host too busy to give QEMU half a core excuses it: the kernel's own count of QEMU's CPU time over
      // the same seconds must say so, and the samples must have said what the kernel says.
      // Ticks are 10 ms each: percent of a core = ticks * 10 ms / elapsed ms * 100.
      const granted =
        ((((await readCpuTicks(pid)) as number) - kernelBefore.ticks) * 1000) /
        (Date.now() - kernelBefore.at);
      const sampled = ws.messages.flatMap((m) =>
        m.type === 'usage' && m.sample.time * 1000 >= started ? [m.sample.values.cpu ?? 0] : [],
      );
      const mean = sampled.reduce((sum, v) => sum + v, 0) / Math.max(1, sampled.length);
      console.warn(
        `the host gave QEMU ${granted.toFixed(0)}% of a core during the loop (sampled mean ${mean.toFixed(0)}%)`,
      );
      expect(granted).toBeLessThan(55);
      expect(Math.abs(mean - granted)).toBeLessThan(15);
      return;
    }
    expect(busy.sample.values['cpu.vcpus']).toBeGreaterThan(40);
    const calm = await usage(
      started + 11_000,
      (values) => values.cpu !== undefined && values.cpu < 25,
      'CPU back under 25% after the loop',
      40_000,
    );
    expect(calm.sample.time * 1000).toBeGreaterThan(busy.sample.time * 1000);
  }, 70_000);

  it('shows a dd onto the virtio disk as a write rate on that drive, and every byte in its counter', async () => {
    const written = async () =>
      exposedValue(
        await (await fetch(`${bridge.url}/metrics`)).text(),
        'qmpdeck_vm_disk_write_bytes_total{vm="linux",drive="data"}',
      ) ?? 0;
    const before = await written();
    const started = Math.floor(Date.now() / 1000);
    expect(
      await guestRun(bridge, ['/bin/dd', 'if=/dev/zero', 'of=/dev/vda', 'bs=1M', 'count=64', 'oflag=direct']),
    ).toBe(0);
    // The counter is exact: what QEMU wrote to the drive.
    await waitFor(
      async () => (await written()) - before >= 64 * MiB,
      '64 MiB more in qmpdeck_vm_disk_write_bytes_total',
    );
    // The history holds rates, each over the real time between two readings and stamped at its tick; on a busy
    // host ticks run late, so their seconds are not the stamps' and the rates do not add back up to the bytes.
    const history = await waitFor(async () => {
      const answer = MetricsResponse.parse(
        (await getJson(bridge, '/api/vms/linux/metrics?range=hour&series=disk.data.*')).body,
      );
      const during = (answer.series['disk.data.write'] ?? []).filter(
        ([t, v]) => t >= started && (v ?? 0) > MiB,
      );
      return during.length > 0 ? answer : null;
    }, 'a write rate above 1 MiB/s on disk.data since the dd began');
    const ops = (history.series['disk.data.writeOps'] ?? []).filter(([t]) => t >= started);
    expect(Math.max(...ops.map(([, v]) => v ?? 0))).toBeGreaterThan(1);
  }, 90_000);

  it("samples the guest's interfaces from the agent and its own memory view from the balloon", async () => {
    const answer = await waitFor(async () => {
      const got = MetricsResponse.parse((await getJson(bridge, '/api/vms/linux/metrics?range=hour')).body);
      return got.series['net.eth0.rx'] && got.series['memory.guest.used'] ? got : null;
    }, 'network and guest memory series');
    expect(answer.series['net.eth0.tx']).toBeDefined();
    expect(answer.series['net.eth0.rxPackets']).toBeDefined();
    expect(answer.series['net.lo.rx']).toBeUndefined();
    const [, total] = answer.series['memory.guest.total']?.at(-1) ?? [];
    const [, used] = answer.series['memory.guest.used']?.at(-1) ?? [];
    const [, balloon] = answer.series['memory.balloon']?.at(-1) ?? [];
    // The guest's kernel sees less than the VM's 128 MiB (what it reserved for itself), and uses some of it.
    expect(total).toBeGreaterThan(32 * MiB);
    expect(total).toBeLessThanOrEqual(128 * MiB);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(total as number);
    expect(balloon).toBe(128 * MiB);
  });
});
