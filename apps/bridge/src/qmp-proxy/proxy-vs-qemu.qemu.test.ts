/**
 * The proxy is a faithful QMP server: the same sessions run through the bridge's endpoint of one QEMU and directly
 * against a second QEMU started the same way (paused, no guest), and what the clients see matches exactly, but for
 * events' timestamps. Three clients: a raw `socat` session (ids of every JSON type, errors, negotiation, events,
 * garbage), and QEMU's own Python `qemu.qmp`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import type { LineAddress } from './testing/line-client.ts';
import { NOT_FETCHED_REASON, qemuPython, runPython, SESSION_SCRIPT } from './testing/qemu-python.ts';
import { socatOneShot, socatSession, withoutTimestamps } from './testing/socat-session.ts';

/** A person's session: errors of every kind, an id of every JSON type, a command before negotiation, events. */
const SCRIPT = [
  '{"execute":"query-status","id":"before negotiation"}',
  '{"execute":"qmp_capabilities","arguments":{"enable":["xyz"]},"id":0}',
  '{"execute":"qmp_capabilities","id":1}',
  '{"execute":"qmp_capabilities","id":2}',
  '{"execute":"query-status","id":"a string"}',
  '{"execute":"cont","id":3}',
  '{"execute":"stop","id":-4.5e-7}',
  '{"execute":"query-status","id":null}',
  '{"execute":"no-such-command","id":true}',
  '{"execute":"eject","arguments":{"device":5},"id":[1,"two",{"three":3.0}]}',
  '{"execute":"query-status","arguments":{"x":1},"id":{"b":1,"a":[],"\u00e9":"\\ud83d\\ude00"}}',
  '{"execute":"hello world","id":-0}',
  '{"execute":"query-name","id":18446744073709551615}',
  '{"execute":"query-name","id":123456789012345678901234}',
  '{"execute":"query-version","id":false}',
  '{"foo":1,"id":"e5"}',
  '{"arguments":[]}',
  'not json',
  '{"execute": }',
  "{'execute':'query-status','id':'single quotes'}",
  '{"exec-oob":"query-yank","id":"oob not negotiated"}',
  '@@@{"execute":"query-status","id":"end"}',
].join('\n');

/** Deterministic garbage, heavy in JSON's own characters so that every path of the lexer and parser is taken. */
function garbage(bytes: number, seed: number): Buffer {
  const alphabet = Buffer.from('{}[]{}[],:,:""\'\\\\ \n\t01-9.eE+truefalsnxyz@#%\x00\x01\x7f');
  const out = Buffer.alloc(bytes);
  let state = seed;
  for (let i = 0; i < bytes; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const pick = state >>> 16;
    out[i] = pick % 23 === 0 ? 0x80 + (pick % 128) : (alphabet[pick % alphabet.length] as number);
  }
  return out;
}

describe('the QMP proxy next to QEMU itself', () => {
  let dir: string;
  let proxied: TestQemu;
  let direct: TestQemu;
  let bridge: RunningBridge;
  let viaProxy: LineAddress;
  let viaQemu: LineAddress;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-vs-qemu-'));
    [proxied, direct] = await Promise.all([startQemu(dir, 'proxied'), startQemu(dir, 'direct')]);
    bridge = await startTestBridge(dir, { vms: [{ id: 'vm', qmp: { socket: proxied.socket } }] });
    const socket = await waitFor(() => {
      const vm = bridge.registry.get('vm')?.snapshot();
      return vm?.connection === 'connected' && vm.qmpProxy?.socket;
    }, 'the VM connected and its endpoint listed');
    viaProxy = { path: socket };
    viaQemu = { path: direct.qmpPath };
  });

  afterAll(async () => {
    await bridge?.stop();
    await Promise.all([proxied?.dispose(), direct?.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The same bytes to both, one after the other; each VM goes through the same states. */
  async function both(script: Buffer, lastIdText: string): Promise<[string, string]> {
    const fromProxy = await socatSession(viaProxy, script, lastIdText);
    const fromQemu = await socatSession(viaQemu, script, lastIdText);
    return [withoutTimestamps(fromProxy), withoutTimestamps(fromQemu)];
  }

  it('a raw socat session reads the same bytes: greeting, errors, ids of every type, events', async () => {
    const [fromProxy, fromQemu] = await both(Buffer.from(`${SCRIPT}\n`), '"end"');
    expect(fromProxy).toBe(fromQemu);
    // The session did what it says: negotiation, events in place, ids echoed as QEMU writes them.
    expect(fromProxy).toContain(`"desc": "Expecting capabilities negotiation with 'qmp_capabilities'"`);
    expect(fromProxy).toContain(
      '{"timestamp": {"seconds": S, "microseconds": U}, "event": "STOP"}\r\n{"return": {}, "id": -4.4999999999999998e-07}',
    );
    expect(fromProxy).toContain('{"id": {"\\u00E9": "\\uD83D\\uDE00", "a": [], "b": 1}, "error": ');
    expect(fromProxy).toContain('{"return": {}, "id": 18446744073709551615}');
    // One answer per line, plus the greeting, two events, a second error for "not json", one for "@@@", and the
    // empty rest after the last CRLF.
    expect(fromProxy.split('\r\n')).toHaveLength(SCRIPT.split('\n').length + 6);
  });

  it('a client that ends its input at once (echo ... | socat) still reads every answer, then the end', async () => {
    const script = Buffer.from(
      '{"execute":"qmp_capabilities"}\n{"execute":"query-status","id":1}\n{"execute":"query-version","id":2}\n',
    );
    const fromProxy = await socatOneShot(viaProxy, script);
    const fromQemu = await socatOneShot(viaQemu, script);
    expect(fromProxy).toBe(fromQemu);
    expect(fromProxy).toContain('"id": 2}\r\n');
  });

  it('out-of-band commands, once negotiated, go out-of-band and are answered as QEMU answers them', async () => {
    const script = [
      '{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":"n"}',
      '{"exec-oob":"query-yank","id":"y"}',
      '{"exec-oob":"stop","id":"not oob-capable"}',
      '{"exec-oob":"no-such","id":"unknown"}',
      '{"exec-oob":"query-yank"}',
      '{"exec-oob":"qmp_capabilities","id":"again"}',
      '{"exec-oob":"stop","execute":"stop","id":"clash"}',
      '{"execute":"query-status","id":"end"}',
    ].join('\n');
    const [fromProxy, fromQemu] = await both(Buffer.from(`${script}\n`), '"end"');
    expect(fromProxy).toBe(fromQemu);
    expect(fromProxy).toContain('{"return": [{"type": "chardev", "id": "compat_monitor0"}], "id": "y"}');
  });

  it('garbage gets the same errors, in the same number and order, and the connection goes on', async () => {
    for (const seed of [1, 2, 3]) {
      const script = Buffer.concat([
        Buffer.from('{"execute":"qmp_capabilities"}\n'),
        garbage(4096, seed),
        // QEMU's documented way back to a known state: a byte that can never be JSON.
        Buffer.from('\xff\n{"execute":"query-status","id":"end"}\n', 'latin1'),
      ]);
      const [fromProxy, fromQemu] = await both(script, '"end"');
      expect(fromProxy).toBe(fromQemu);
      expect(fromProxy.split('\r\n').length).toBeGreaterThan(20);
    }
  });

  it.skipIf(qemuPython === null)(
    "QEMU's Python qemu.qmp sees the same session through the proxy",
    async () => {
      const normalize = (out: string) => out.replaceAll(/__qmp#\d+/g, '__qmp#N');
      const fromProxy = await runPython([SESSION_SCRIPT, (viaProxy as { path: string }).path]);
      const fromQemu = await runPython([SESSION_SCRIPT, (viaQemu as { path: string }).path]);
      expect(fromProxy.stderr).toBe('');
      expect(fromProxy.code).toBe(0);
      expect(normalize(fromProxy.stdout)).toBe(normalize(fromQemu.stdout));
      const steps = fromProxy.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(steps.find((s) => s.step === 'events').events.map((e: { event: string }) => e.event)).toEqual([
        'RESUME',
        'STOP',
      ]);
      expect(steps.find((s) => s.step === 'unknown command').error).toEqual({
        class: 'CommandNotFound',
        desc: 'The command no-such-command has not been found',
      });
    },
  );
});

if (qemuPython === null) console.warn(NOT_FETCHED_REASON);
