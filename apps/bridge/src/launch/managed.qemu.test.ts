/**
 * Managed VMs: the bridge launches real QEMUs itself (argv only, `{dir}` replaced, QMP on its own socket, its own
 * process group), kills and restarts them on request (through the command pipeline, so the timeline and the log
 * say who), shows a QEMU that is not running as `stopped` in plain words (shut off, killed, failed, never
 * started), and stops them with itself.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventPage, type EventRecord, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { captureLog, LEVEL } from '../testing/log-capture.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('managed QEMU processes', () => {
  let dir: string;
  let bridge: RunningBridge;
  const { log, lines } = captureLog('debug');

  async function vm(id: string): Promise<Vm> {
    return Vm.parse((await getJson(bridge, `/api/vms/${id}`)).body);
  }

  async function events(id: string): Promise<EventRecord[]> {
    return ((await getJson(bridge, `/api/vms/${id}/events?limit=1000`)).body as EventPage).events;
  }

  const warnings = (id: string) => lines.filter((line) => line.vm === id && line.level >= LEVEL.warn);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-managed-'));
    // QEMU cannot be made to crash on demand: a stand-in that reports an assertion as QEMU does and aborts.
    mkdirSync(join(dir, 'crash'));
    const crasher = join(dir, 'crash', 'qemu-system-x86_64');
    writeFileSync(
      crasher,
      `#!${process.execPath}\nprocess.stderr.write("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\\nqemu-system-x86_64: kvm.c:3183: kvm_buf_set_msrs: Assertion failed.\\n", () => process.kill(process.pid, "SIGABRT"));\n`,
    );
    chmodSync(crasher, 0o755);
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          { id: 'm1', name: 'Managed', launch: { args: [...QEMU_BASE_ARGS] } },
          { id: 'broken', launch: { binary: join(dir, 'no-such-qemu'), args: [] } },
          { id: 'crasher', launch: { binary: join(dir, 'crash', 'qemu-system-x86_64'), args: [] } },
          {
            id: 'misconfigured',
            launch: { args: ['-M', 'no-such-machine', '-nodefaults', '-display', 'none'] },
          },
          { id: 'plain', qmp: { socket: join(dir, 'nobody.sock') } },
          // Prints a warning on stderr at start (TCG lacks vmx): the last words a kill must not quote.
          { id: 'chatty', launch: { args: [...QEMU_BASE_ARGS, '-cpu', 'qemu64,+vmx'] } },
          { id: 'quitter', launch: { args: [...QEMU_BASE_ARGS] } },
          { id: 'waiting', launch: { args: [...QEMU_BASE_ARGS], autostart: false } },
        ],
      },
      { log },
    );
    await waitFor(async () => (await vm('m1')).status === 'prelaunch', 'm1 connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('launches QEMU with {dir} replaced by its private runtime directory, in a process group of its own', async () => {
    const m1 = await vm('m1');
    expect(m1).toMatchObject({ managed: true, connection: 'connected', process: { state: 'running' } });
    const process = bridge.registry.get('m1')?.process;
    expect(process?.dir.startsWith(dir)).toBe(true);
    const pid = Number(readFileSync(join(process?.dir ?? '', 'qemu.pid'), 'utf8'));
    expect(pid).toBe(m1.process?.pid);
    // Its own group (and session): a Ctrl-C in the bridge's terminal does not reach it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    expect(Number(stat[2])).toBe(pid);
  });

  it('connects to a freshly started QEMU without warning that its socket is not there yet', async () => {
    await waitFor(async () => (await vm('quitter')).status === 'prelaunch', 'quitter connected');
    expect(warnings('m1')).toEqual([]);
    expect(warnings('quitter')).toEqual([]);
  });

  it('shows a missing binary as stopped, with a message, and keeps serving', async () => {
    const broken = await vm('broken');
    expect(broken).toMatchObject({ connection: 'stopped', status: null, process: { state: 'failed' } });
    expect(broken.message).toMatch(/not found: install QEMU/);
    expect((await postJson(bridge, '/api/vms/broken/start', {})).status).toBe(200);
  });

  it("says why a QEMU that quit at start did, in QEMU's own words", async () => {
    const quit = await waitFor(async () => {
      const current = await vm('misconfigured');
      return current.process?.state === 'exited' ? current : undefined;
    }, 'the misconfigured QEMU to quit');
    expect(quit).toMatchObject({ connection: 'stopped', process: { exitCode: 1 } });
    expect(quit.message).toBe(
      'QEMU exited with code 1: qemu-system-x86_64: unsupported machine type Use -machine help to list supported machines',
    );
  });

  it('says why a QEMU that crashed (SIGABRT) did, in its own report', async () => {
    const crashed = await waitFor(async () => {
      const current = await vm('crasher');
      return current.process?.state === 'exited' ? current : undefined;
    }, 'the crashing QEMU to end');
    expect(crashed).toMatchObject({ connection: 'stopped', process: { signal: 'SIGABRT' } });
    expect(crashed.message).toMatch(/^QEMU was killed by SIGABRT: qemu-system-x86_64: .*Assertion failed/);
  });

  it('shows a managed VM that was never started as stopped, until Start', async () => {
    expect(await vm('waiting')).toMatchObject({
      connection: 'stopped',
      status: null,
      message: 'QEMU is not running; start it to use the VM',
      process: { state: 'exited', pid: null },
    });
    expect((await postJson(bridge, '/api/vms/waiting/start', {})).status).toBe(200);
    await waitFor(async () => (await vm('waiting')).status === 'prelaunch', 'waiting started');
  });

  it('refuses start and kill for a VM it does not launch', async () => {
    for (const action of ['start', 'kill']) {
      expect(await postJson(bridge, `/api/vms/plain/${action}`, {})).toMatchObject({
        status: 409,
        body: { error: { class: 'NotManaged' } },
      });
    }
  });

  it('kills with SIGKILL and starts again, naming who did in the timeline and the log', async () => {
    const pid = (await vm('m1')).process?.pid as number;
    const killed = await postJson(bridge, '/api/vms/m1/kill', { origin: 'Kill button' });
    expect(killed.status).toBe(200);
    expect(Vm.parse(killed.body)).toMatchObject({
      connection: 'stopped',
      status: null,
      message: 'QEMU was killed by SIGKILL',
      process: { state: 'exited', signal: 'SIGKILL' },
    });
    expect(isAlive(pid)).toBe(false);

    const started = await postJson(bridge, '/api/vms/m1/start', {});
    expect(Vm.parse(started.body).process).toMatchObject({ state: 'running' });
    await waitFor(async () => (await vm('m1')).status === 'prelaunch', 'm1 back');
    const all = await events('m1');
    const names = all.map((e) => e.event);
    expect(names.slice(0, 2)).toEqual(['BRIDGE_PROCESS_STARTED', 'BRIDGE_CONNECTED']);
    // The socket's close and the process's exit race; both must be there, in either order.
    expect(names.slice(2, 4).sort()).toEqual(['BRIDGE_DISCONNECTED', 'BRIDGE_PROCESS_EXITED']);
    expect(names.slice(4)).toEqual(['BRIDGE_PROCESS_STARTED', 'BRIDGE_CONNECTED']);
    const exited = all.find((e) => e.event === 'BRIDGE_PROCESS_EXITED');
    expect(exited?.cause).toMatchObject({ command: 'vm.kill', client: 'http', origin: 'Kill button' });
    expect(all[4]?.cause).toMatchObject({ command: 'vm.start', client: 'http', origin: 'http' });
    expect(all[0]?.cause).toBeNull(); // autostart is the bridge's own, nobody's command
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: LEVEL.info,
        msg: 'command',
        vm: 'm1',
        command: 'vm.kill',
        client: 'http',
        origin: 'Kill button',
        remote: expect.stringMatching(/127\.0\.0\.1/),
        outcome: 'ok',
      }),
    );
    expect(
      lines.filter(
        (line) => line.vm === 'm1' && /closed by the bridge|disconnected; retrying/.test(line.msg),
      ),
    ).toEqual([]);
  });

  it("reads an outside kill -9 plainly, with no cause, and never quotes QEMU's chatter as the reason", async () => {
    const chatty = await waitFor(async () => {
      const current = await vm('chatty');
      return current.status === 'prelaunch' ? current : undefined;
    }, 'chatty connected');
    // What the old message quoted: QEMU's last stderr line, here a warning unrelated to the kill.
    await waitFor(
      () => lines.find((line) => line.vm === 'chatty' && line.stream === 'qemu.log'),
      'a stderr line',
    );
    process.kill(chatty.process?.pid as number, 'SIGKILL');
    const killed = await waitFor(async () => {
      const current = await vm('chatty');
      return current.connection === 'stopped' ? current : undefined;
    }, 'chatty stopped');
    expect(killed).toMatchObject({ message: 'QEMU was killed by SIGKILL', process: { signal: 'SIGKILL' } });
    const exited = (await events('chatty')).find((e) => e.event === 'BRIDGE_PROCESS_EXITED');
    expect(exited?.cause).toBeNull();
    expect(
      lines.filter(
        (line) =>
          line.vm === 'chatty' && line.level >= LEVEL.info && /closed by the bridge|retrying/.test(line.msg),
      ),
    ).toEqual([]);
  });

  it('answers a quit with {} (HTTP and WebSocket), then reads stopped and shut off, caused by the quit', async () => {
    const viaHttp = await postJson(bridge, '/api/vms/quitter/execute', {
      execute: 'quit',
      origin: 'Quit button',
    });
    expect(viaHttp).toEqual({ status: 200, body: { return: {} } });
    const down = await waitFor(async () => {
      const current = await vm('quitter');
      return current.connection === 'stopped' ? current : undefined;
    }, 'quitter stopped');
    expect(down).toMatchObject({
      status: null,
      message: 'QEMU exited with code 0',
      process: { exitCode: 0 },
    });
    const all = await events('quitter');
    expect(all.find((e) => e.event === 'SHUTDOWN')?.cause).toMatchObject({
      command: 'quit',
      origin: 'Quit button',
    });
    expect(all.find((e) => e.event === 'BRIDGE_PROCESS_EXITED')?.cause).toMatchObject({ command: 'quit' });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: LEVEL.info, vm: 'quitter', msg: 'VM shut off' }),
    );
    expect(warnings('quitter')).toEqual([]);

    await postJson(bridge, '/api/vms/quitter/start', {});
    await waitFor(async () => (await vm('quitter')).status === 'prelaunch', 'quitter back');
    const ws = await TestWsClient.connect(bridge.url);
    try {
      expect(await ws.request({ type: 'execute', id: 'q', vm: 'quitter', execute: 'quit' })).toEqual({
        type: 'result',
        id: 'q',
        return: {},
      });
    } finally {
      ws.close();
    }
    await waitFor(async () => (await vm('quitter')).connection === 'stopped', 'quitter stopped again');
    expect(warnings('quitter')).toEqual([]);
  });

  it('stops its QEMUs and removes their directories when the bridge stops', async () => {
    const pid = (await vm('m1')).process?.pid as number;
    const runtimeDir = bridge.registry.get('m1')?.process?.dir as string;
    await bridge.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(runtimeDir)).toBe(false);
  });
});
