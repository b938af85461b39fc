/**
 * A proxy client that sends garbage, floods, reads nothing, or vanishes mid-command harms no one: another proxy
 * client and a dashboard's WebSocket client keep working throughout, and the lost client's pending replies are
 * dropped cleanly (the command it had running still completes in QEMU and stays in the audit).
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandAudit, CommandRecord } from '../commands/command-audit.ts';
import type { RunningBridge } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';
import { captureLog, LEVEL, type LogLine } from '../testing/log-capture.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import { DEFAULT_PROXY_LIMITS } from './limits.ts';
import { LineClient } from './testing/line-client.ts';

const LIMITS = { ...DEFAULT_PROXY_LIMITS, maxMessageBytes: 64 * 1024, maxBufferedBytes: 512 * 1024 };

describe('QMP proxy clients that misbehave', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  let socket: string;
  let steady: LineClient;
  let dashboard: TestWsClient;
  const audited: CommandRecord[] = [];
  let logLines: LogLine[];
  let checks = 0;

  /** The others still work: a proxy client's round trip and a dashboard command, both answered. */
  async function othersStillWork(): Promise<void> {
    checks++;
    const reply = await steady.request(
      `{"execute":"query-status","id":"steady-${checks}"}`,
      `"steady-${checks}"`,
    );
    expect(reply).toMatch(/^\{"return": \{"status": /);
    const result = await dashboard.request({
      type: 'execute',
      id: `ws-${checks}`,
      vm: 'vm',
      execute: 'query-status',
    });
    expect(result).toMatchObject({ type: 'result', return: { running: expect.any(Boolean) } });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-robust-'));
    qemu = await startQemu(dir, 'vm');
    const audit: CommandAudit = { record: (entry) => void audited.push(entry) };
    const captured = captureLog('debug');
    logLines = captured.lines;
    bridge = await startTestBridge(
      dir,
      { vms: [{ id: 'vm', qmp: { socket: qemu.socket } }] },
      { audit, qmpProxyLimits: LIMITS, log: captured.log },
    );
    socket = await waitFor(() => {
      const vm = bridge.registry.get('vm')?.snapshot();
      return vm?.connection === 'connected' && vm.qmpProxy?.socket;
    }, 'the VM connected with its endpoint');
    steady = await LineClient.negotiated({ path: socket });
    dashboard = await TestWsClient.connect(bridge.url);
    dashboard.send({ type: 'subscribe', vm: 'vm' });
    await dashboard.next((m) => m.type === 'subscribed');
  });

  afterAll(async () => {
    await steady?.close();
    dashboard?.close();
    await bridge?.stop();
    await qemu?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers garbage and an oversized message with QEMU errors, then goes on', async () => {
    const noisy = await LineClient.negotiated({ path: socket });
    const noise = Buffer.alloc(256 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + (i >> 5)) % 251;
    noisy.send(noise);
    noisy.send(`{"execute":"query-status","arguments":{"x":"${'y'.repeat(100_000)}"},"id":"big"}\n`);
    await othersStillWork();
    noisy.send(Buffer.from('\xff\n{"execute":"query-status","id":"after"}\n', 'latin1'));
    await noisy.waitForLine((line) => line.endsWith('"id": "after"}'), 'the reply after the noise', 20_000);
    expect(noisy.lines.filter((line) => line.includes('JSON parse error')).length).toBeGreaterThan(100);
    expect(noisy.lines).toContain(
      '{"error": {"class": "GenericError", "desc": "JSON token size limit exceeded"}}',
    );
    await othersStillWork();
    await noisy.close();
  });

  it('reads a flood one command at a time, so the flood stays in its own socket', async () => {
    const flood = await LineClient.negotiated({ path: socket });
    const command = Buffer.from('{"execute":"query-status"}\n');
    const burst = Buffer.concat(Array.from({ length: 250_000 }, () => command)); // 6.75 MB
    flood.socket.write(burst);
    await othersStillWork();
    // The bridge took what it is working on, not the burst: most of it still waits in the client's own buffer.
    expect(flood.socket.writableLength).toBeGreaterThan(burst.length / 2);
    await othersStillWork();
    const answered = flood.lines.filter((line) => line.startsWith('{"return"')).length;
    expect(answered).toBeGreaterThan(1);
    await flood.close();
    await othersStillWork();
  });

  it('disconnects a client that reads nothing once its unread answers pass the limit', async () => {
    const deaf = await LineClient.negotiated({ path: socket });
    deaf.socket.pause(); // reads nothing from now on
    deaf.send('{"execute":"query-qmp-schema"}\n'.repeat(200));
    await othersStillWork();
    await waitFor(
      () =>
        logLines.find(
          (line) =>
            line.level === LEVEL.warn && line.msg === 'QMP proxy client reads too slowly; disconnected',
        ),
      'the deaf client dropped',
    );
    // A client that reads nothing cannot see its end either, until it reads again.
    deaf.socket.resume();
    await waitFor(() => deaf.ended, 'the deaf client disconnected');
    await othersStillWork();
  });

  it('drops the replies of a client that vanished mid-command; its running command completes and is audited', async () => {
    const raw = net.connect({ path: socket });
    raw.on('error', () => {});
    await once(raw, 'connect');
    raw.write('{"execute":"qmp_capabilities"}\n');
    await waitFor(() => raw.bytesRead > 150, 'the greeting and the answer to qmp_capabilities');
    raw.write('{"execute":"query-qmp-schema","id":"vanished"}\n'.repeat(5));
    raw.destroy();
    const clientOf = (entry: CommandRecord) => entry.request.actor.client;
    const lost = await waitFor(
      () => audited.find((entry) => entry.request.clientCommandId === 'vanished'),
      'the vanished client’s running command audited',
    );
    expect(lost).toMatchObject({ outcome: 'ok', request: { actor: { origin: 'qmp-proxy', user: null } } });
    // The four it had queued were dropped with it, as QEMU drops a closed monitor's queue; nothing is left running.
    await waitFor(() => bridge.registry.get('vm')?.inflight.size === 0, 'no command left in flight');
    expect(audited.filter((entry) => clientOf(entry) === clientOf(lost))).toHaveLength(1);
    expect(logLines.filter((line) => line.level >= LEVEL.error)).toEqual([]);
    await othersStillWork();
  });
});
