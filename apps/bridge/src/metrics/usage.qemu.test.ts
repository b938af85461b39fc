/**
 * Usage sampling and `GET /metrics` against real QEMUs (paused before boot: no guest needed here; the guest's own
 * load is in usage-guest.qemu.test.ts): samples of a QEMU the bridge connects to and of one it launched, their
 * history over HTTP, `usage` messages to subscribers, the VM object's `usage`, and the Prometheus exposition
 * checked by Prometheus' own `promtool` and against the VMs' actual states.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsResponse, type UsageMessage, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPromtool, NOT_FETCHED_REASON } from '../../../../demo/promtool/cache.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { exposedValue } from '../testing/exposition.ts';
import { QEMU_BASE_ARGS, startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import { parseStatus } from './proc-files.ts';

/** A 64 MiB virtio disk that needs no file, and two vCPUs. */
const DEVICES = [
  ...['-blockdev', 'driver=null-co,node-name=null0,size=67108864'],
  ...['-device', 'virtio-blk-pci,drive=null0,id=vnull', '-smp', '2'],
];
const promtool = findPromtool();
if (promtool === null) console.warn(NOT_FETCHED_REASON);

describe('usage sampling and /metrics', () => {
  let dir: string;
  let alpha: TestQemu;
  let bridge: RunningBridge;
  let ws: TestWsClient;

  const vm = async (id: string) => Vm.parse((await getJson(bridge, `/api/vms/${id}`)).body);
  const scrape = async () => {
    const response = await fetch(`${bridge.url}/metrics`);
    expect(response.status).toBe(200);
    return { type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-usage-'));
    alpha = await startQemu(dir, 'alpha', DEVICES);
    bridge = await startTestBridge(dir, {
      metrics: { intervalSeconds: 1 },
      vms: [
        { id: 'alpha', qmp: { socket: alpha.qmpPath } },
        { id: 'managed', launch: { args: [...QEMU_BASE_ARGS] } },
        { id: 'absent', qmp: { socket: join(dir, 'nobody-listens.sock') } },
      ],
    });
    ws = await TestWsClient.connect(bridge.url);
  });

  afterAll(async () => {
    ws?.close();
    await bridge?.stop();
    await alpha?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts the latest CPU and the QEMU process's resident memory in the VM object", async () => {
    const usage = await waitFor(async () => {
      const { usage } = await vm('alpha');
      return usage?.cpu != null ? usage : null;
    }, 'a usage sample with CPU in the VM object');
    const rss = parseStatus(readFileSync(`/proc/${alpha.pid}/status`, 'latin1')).rssBytes as number;
    expect(usage.memory).toBeGreaterThan(rss * 0.8);
    expect(usage.memory).toBeLessThan(rss * 1.25);
    expect(usage.cpu).toBeGreaterThanOrEqual(0);
    // A QEMU paused before boot burns next to nothing.
    expect(usage.cpu).toBeLessThan(50);
    await waitFor(async () => (await vm('managed')).usage?.memory, 'usage of the VM the bridge launched');
    expect((await vm('absent')).usage ?? null).toBeNull();
  });

  it('answers the history of the last hour, one point per sample, with the series of each part', async () => {
    const history = await waitFor(async () => {
      const answer = MetricsResponse.parse((await getJson(bridge, '/api/vms/alpha/metrics?range=hour')).body);
      return (answer.series.cpu?.length ?? 0) >= 2 ? answer : null;
    }, 'two CPU points');
    expect(history).toMatchObject({ range: 'hour', step: 1 });
    expect(Object.keys(history.series).sort()).toEqual([
      'cpu',
      'cpu.vcpus',
      'disk.vnull.read',
      'disk.vnull.readOps',
      'disk.vnull.write',
      'disk.vnull.writeOps',
      'memory',
    ]);
    const [time, cpu] = history.series.cpu?.at(-1) ?? [];
    expect(Math.abs((time as number) - Date.now() / 1000)).toBeLessThan(10);
    expect(cpu).toBeTypeOf('number');
    const onlyCpu = (await getJson(bridge, '/api/vms/alpha/metrics?series=cpu,disk.*'))
      .body as MetricsResponse;
    expect(Object.keys(onlyCpu.series).sort()).toEqual([
      'cpu',
      'disk.vnull.read',
      'disk.vnull.readOps',
      'disk.vnull.write',
      'disk.vnull.writeOps',
    ]);
    const day = MetricsResponse.parse((await getJson(bridge, '/api/vms/alpha/metrics?range=day')).body);
    expect(day).toMatchObject({ range: 'day', step: 60 });
  });

  it('refuses another range with BadRequest and an unknown VM with VmNotFound', async () => {
    const bad = await getJson(bridge, '/api/vms/alpha/metrics?range=fortnight');
    expect(bad.status).toBe(400);
    expect(bad.body.error.class).toBe('BadRequest');
    expect(bad.body.error.desc).toContain('range');
    const missing = await getJson(bridge, '/api/vms/nobody/metrics?range=hour');
    expect(missing).toMatchObject({ status: 404, body: { error: { class: 'VmNotFound' } } });
  });

  it("sends usage messages to the VM's subscribers only", async () => {
    const other = await TestWsClient.connect(bridge.url);
    try {
      ws.send({ type: 'subscribe', vm: 'alpha' });
      const message = await ws.next<UsageMessage>((m) => m.type === 'usage', 'a usage message');
      expect(message.vm).toBe('alpha');
      expect(message.sample.values.memory).toBeGreaterThan(0);
      // The unsubscribed client got a vm message meanwhile, but no usage of a VM it did not subscribe to.
      await other.next((m) => m.type === 'vm' && m.vm.usage != null, 'a vm message with usage');
      expect(other.messages.filter((m) => m.type === 'usage')).toEqual([]);
    } finally {
      other.close();
    }
  });

  it.skipIf(promtool === null)("passes promtool's check", async () => {
    const { type, text } = await scrape();
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const check = spawnSync(promtool as string, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: '' });
  });

  it("says each VM's state as it is: running, then paused, stopped, disconnected", async () => {
    expect((await postJson(bridge, '/api/vms/alpha/execute', { execute: 'cont' })).status).toBe(200);
    await waitFor(async () => (await vm('alpha')).status === 'running', 'alpha running');
    let { text } = await scrape();
    expect(exposedValue(text, 'qmpdeck_vm_state{vm="alpha",state="running"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_vm_state{vm="alpha",state="paused"}')).toBe(0);
    expect(exposedValue(text, 'qmpdeck_vm_up{vm="alpha"}')).toBe(1);

    expect((await postJson(bridge, '/api/vms/alpha/execute', { execute: 'stop' })).status).toBe(200);
    await waitFor(async () => (await vm('alpha')).status === 'paused', 'alpha paused');
    ({ text } = await scrape());
    expect(exposedValue(text, 'qmpdeck_vm_state{vm="alpha",state="running"}')).toBe(0);
    expect(exposedValue(text, 'qmpdeck_vm_state{vm="alpha",state="paused"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_qmp_events_total{vm="alpha",event="STOP"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_commands_total{vm="alpha",command="stop",outcome="ok"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_command_duration_seconds_count{vm="alpha",command="stop"}')).toBe(1);

    expect((await postJson(bridge, '/api/vms/managed/kill', {})).status).toBe(200);
    ({ text } = await scrape());
    expect(exposedValue(text, 'qmpdeck_vm_state{vm="managed",state="stopped"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_vm_connection{vm="managed",connection="stopped"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_vm_state{vm="absent",state="disconnected"}')).toBe(1);
    expect(exposedValue(text, 'qmpdeck_vm_up{vm="absent"}')).toBe(0);
    // A killed VM's usage counters go with its process, at the next sample.
    await waitFor(
      async () => !(await scrape()).text.includes('qmpdeck_vm_cpu_seconds_total{vm="managed"}'),
      "the killed VM's counters gone",
    );
  });

  it('counts usage as Prometheus counters: CPU seconds of the process, bytes of each drive', async () => {
    const { text } = await scrape();
    const cpuSeconds = exposedValue(text, 'qmpdeck_vm_cpu_seconds_total{vm="alpha"}');
    expect(cpuSeconds).toBeGreaterThan(0);
    expect(
      exposedValue(text, 'qmpdeck_vm_disk_read_bytes_total{vm="alpha",drive="vnull"}'),
    ).toBeGreaterThanOrEqual(0);
    expect(exposedValue(text, 'qmpdeck_vm_memory_rss_bytes{vm="alpha"}')).toBeGreaterThan(1024 * 1024);
    expect(exposedValue(text, 'qmpdeck_websocket_clients')).toBeGreaterThanOrEqual(1);
    // A command QEMU does not know is counted, as `other`, not under a name of its own.
    await postJson(bridge, '/api/vms/alpha/execute', { execute: 'no-such-command-4711' });
    const after = (await scrape()).text;
    expect(after).not.toContain('no-such-command-4711');
    expect(exposedValue(after, 'qmpdeck_commands_total{vm="alpha",command="other",outcome="error"}')).toBe(1);
  });

  // Last: it stops alpha's QEMU for a while.
  it('takes the rates after a tick QEMU did not answer from the reading before it, so nothing is lost', async () => {
    ws.send({ type: 'subscribe', vm: 'alpha' });
    await ws.next((m) => m.type === 'usage' && m.vm === 'alpha', 'a usage message');
    // A stopped process answers no QMP: the tick's reading times out (2 s), and alpha has no sample for it.
    process.kill(alpha.pid, 'SIGSTOP');
    try {
      await waitFor(async () => (await vm('alpha')).usage === null, 'a tick with no reading of alpha');
    } finally {
      process.kill(alpha.pid, 'SIGCONT');
    }
    const samples = () =>
      ws.messages
        .filter((m): m is UsageMessage => m.type === 'usage' && m.vm === 'alpha')
        .map((m) => m.sample);
    const afterGap = await waitFor(() => {
      const all = samples();
      return all.find((sample, i) => i > 0 && sample.time - (all[i - 1]?.time ?? sample.time) > 1);
    }, 'a usage sample after a tick with none');
    expect(afterGap.values.cpu).toBeTypeOf('number');
    expect(afterGap.values['disk.vnull.write']).toBe(0);
  });
});
