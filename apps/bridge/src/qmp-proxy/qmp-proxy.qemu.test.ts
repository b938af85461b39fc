/**
 * The endpoints' life beside real QEMUs: where each socket is and who may open it, the VM object listing it, clients
 * waiting for a VM that is not connected yet, clients ended with QEMU's connection, many clients at once with
 * QEMU's events fanned out to those past negotiation, stale sockets, a VM removed, the bridge stopped.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';
import { captureLog, LEVEL } from '../testing/log-capture.ts';
import { startQemu, startQemuOnSocket, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { LineClient } from './testing/line-client.ts';

function endpointOf(bridge: RunningBridge, id: string): Promise<string> {
  return waitFor(() => bridge.registry.get(id)?.snapshot().qmpProxy?.socket, `the endpoint of ${id}`);
}

function connectedVm(bridge: RunningBridge, id: string): Promise<unknown> {
  return waitFor(() => bridge.registry.get(id)?.snapshot().connection === 'connected', `${id} connected`);
}

describe('QMP proxy endpoints', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  const clients: LineClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-'));
    qemu = await startQemu(dir, 'alpha');
    bridge = await startTestBridge(dir, { vms: [{ id: 'alpha', qmp: { socket: qemu.socket } }] });
    await connectedVm(bridge, 'alpha');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function client(negotiate = true): Promise<LineClient> {
    const address = { path: await endpointOf(bridge, 'alpha') };
    const made = negotiate ? await LineClient.negotiated(address) : await LineClient.connect(address);
    clients.push(made);
    return made;
  }

  it('serves <id>.qmp in the bridge runtime directory by default, 0600 in a 0700 directory, listed in the VM object', async () => {
    const socket = await endpointOf(bridge, 'alpha');
    expect(socket).toBe(join(dir, 'alpha.qmp'));
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const { body } = await getJson(bridge, '/api/vms/alpha');
    expect(body.qmpProxy).toEqual({ socket });
  });

  it('greets with the VM own greeting and fans QEMU events out only to clients past negotiation', async () => {
    const negotiated = await Promise.all(Array.from({ length: 5 }, () => client()));
    const greetedOnly = await client(false);
    await greetedOnly.waitForLine((line) => line.startsWith('{"QMP"'), 'the greeting');
    const [first] = negotiated as [LineClient];
    expect(first.lines[0]).toBe(greetedOnly.lines[0]);
    expect(first.lines[0]).toContain('"capabilities": ["oob"]');
    await first.request('{"execute":"cont","id":"go"}', '"go"');
    for (const each of negotiated)
      await each.waitForLine((line) => line.includes('"event": "RESUME"'), 'RESUME');
    const resume = negotiated.map((each) => each.lines.find((line) => line.includes('"RESUME"')));
    expect(new Set(resume).size).toBe(1); // the same line, QEMU's timestamp and all
    // A reply on the same socket comes after anything written before it: no event reached the unnegotiated one.
    await greetedOnly.request('{"execute":"qmp_capabilities","id":"late"}', '"late"');
    expect(greetedOnly.lines.some((line) => line.includes('"event"'))).toBe(false);
    await first.request('{"execute":"stop","id":"halt"}', '"halt"');
  });

  it('serves many clients at once, each with its own ids, in order', async () => {
    const many = await Promise.all(Array.from({ length: 20 }, () => client()));
    await Promise.all(
      many.map(async (each, n) => {
        const ids = Array.from({ length: 20 }, (_, i) => `"c${n}-${i}"`);
        each.send(ids.map((id) => `{"execute":"query-status","id":${id}}\n`).join(''));
        await each.waitForLine((line) => line.endsWith(`"id": ${ids.at(-1)}}`), `client ${n}'s last reply`);
        const replies = each.lines.filter((line) => line.startsWith('{"return"')).slice(1);
        expect(replies.map((line) => /"id": ("[^"]+")/.exec(line)?.[1])).toEqual(ids);
      }),
    );
  });
});

describe('QMP proxy endpoints as VMs come and go', () => {
  let dir: string;
  const qemus: TestQemu[] = [];
  const bridges: RunningBridge[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-life-'));
  });

  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.stop()));
    await Promise.all(qemus.map((q) => q.dispose()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds a client without a greeting until the VM connects, and ends clients with the VM connection', async () => {
    const own = mkdtempSync(join(dir, 'wait-'));
    const qmpSocket = join(own, 'late.sock');
    const bridge = await startTestBridge(own, { vms: [{ id: 'late', qmp: { socket: qmpSocket } }] });
    bridges.push(bridge);
    const endpoint = await endpointOf(bridge, 'late');
    const early = await LineClient.connect({ path: endpoint });
    await waitFor(
      () => bridge.registry.get('late')?.snapshot().connection === 'disconnected',
      'a failed attempt',
    );
    expect(early.lines).toEqual([]); // as a QEMU monitor held by another client: nothing yet
    const first = await startQemuOnSocket(qmpSocket);
    qemus.push(first);
    await early.waitForLine((line) => line.startsWith('{"QMP"'), 'the greeting once the VM is connected');
    await early.request('{"execute":"qmp_capabilities","id":1}', '1');
    // QEMU goes: so does its monitor's client, as with QEMU itself. A newcomer waits for the next QEMU.
    await first.kill();
    await waitFor(() => early.ended, 'the client ended with QEMU');
    const next = await LineClient.connect({ path: endpoint });
    const second = await startQemuOnSocket(qmpSocket);
    qemus.push(second);
    await next.waitForLine((line) => line.startsWith('{"QMP"'), 'the greeting from the new QEMU');
    await next.close();
  });

  it('replaces a stale socket, leaves one another process serves, and removes its own when VMs go and at stop', async () => {
    const own = mkdtempSync(join(dir, 'files-'));
    const proxyDir = own;
    const [a, b] = await Promise.all([startQemu(own, 'a'), startQemu(own, 'b')]);
    qemus.push(a, b);
    // A crashed bridge's socket (its process killed, the file left) and a live server of someone else.
    await leaveStaleSocket(join(proxyDir, 'a.qmp'));
    const squatter = spawn('socat', [`UNIX-LISTEN:${join(proxyDir, 'b.qmp')},fork`, 'SYSTEM:true']);
    await waitFor(() => existsSync(join(proxyDir, 'b.qmp')), 'the other server listening');
    const { log, lines } = captureLog('debug');
    const bridge = await startTestBridge(
      own,
      {
        vms: [
          { id: 'a', qmp: { socket: a.socket } },
          { id: 'b', qmp: { socket: b.socket } },
        ],
      },
      { log },
    );
    bridges.push(bridge);
    await connectedVm(bridge, 'a');
    const client = await LineClient.negotiated({ path: await endpointOf(bridge, 'a') });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: LEVEL.error,
        vm: 'b',
        msg: 'QMP proxy endpoint not created',
        reason: 'another process serves a socket there',
      }),
    );
    expect(bridge.registry.get('b')?.snapshot().qmpProxy).toBeNull();
    squatter.kill();
    await once(squatter, 'exit');
    // A VM that goes takes its endpoint along.
    bridge.registry.remove('a');
    await waitFor(() => client.ended, 'the client of the removed VM ended');
    await waitFor(() => !existsSync(join(proxyDir, 'a.qmp')), 'the socket of the removed VM gone');
    await bridge.stop();
    // The runtime directory stays (the managed QEMUs' sockets live there too); nothing of the proxy is left in it.
    expect(existsSync(proxyDir)).toBe(true);
    expect(existsSync(join(proxyDir, 'a.qmp'))).toBe(false);
  });

  it('offers nothing with qmpProxy false, and a loopback TCP port per VM with tcp', async () => {
    const own = mkdtempSync(join(dir, 'modes-'));
    const q = await startQemu(own, 'm');
    qemus.push(q);
    const off = await startTestBridge(own, {
      vms: [{ id: 'm', qmp: { socket: q.socket } }],
      qmpProxy: false,
    });
    bridges.push(off);
    await connectedVm(off, 'm');
    expect(off.registry.get('m')?.snapshot().qmpProxy).toBeNull();
    expect(existsSync(join(own, 'qmpdeck'))).toBe(false);
    await off.stop();

    const tcp = await startTestBridge(own, {
      vms: [{ id: 'm', qmp: { socket: q.socket } }],
      qmpProxy: { dir: join(own, 'q'), tcp: true },
    });
    bridges.push(tcp);
    const endpoint = await waitFor(() => tcp.registry.get('m')?.snapshot().qmpProxy, 'the endpoint');
    expect(endpoint).toEqual({
      socket: join(own, 'q', 'm.qmp'),
      tcp: { host: '127.0.0.1', port: expect.any(Number) },
    });
    expect(statSync(join(own, 'q', 'tcp-token')).mode & 0o777).toBe(0o600);
    const overTcp = await LineClient.connect(endpoint?.tcp as { host: string; port: number });
    await overTcp.waitForLine((line) => line.startsWith('{"QMP"'), 'the greeting over TCP');
    await overTcp.close();
  });
});

/** A unix socket file whose server died without removing it, as after a crash. */
async function leaveStaleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('node:fs').mkdirSync(require('node:path').dirname(${JSON.stringify(path)}), { recursive: true, mode: 0o700 });
     require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'));`,
  ]);
  await once(child, 'exit');
  expect(lstatSync(path).isSocket()).toBe(true);
}
