/**
 * Discovery against real QEMUs started outside the bridge: a VM appears for a
 * socket that matches, is marked gone when the socket disappears, and comes
 * back when QEMU is started again, all without restarting the bridge.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VmMessage } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';
import { startQemuOnSocket, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import { globToRegExp, vmIdFromFileName } from './glob.ts';

describe('glob', () => {
  it('matches * and ? against the whole name and escapes the rest', () => {
    expect(globToRegExp('*.qmp').test('web-1.qmp')).toBe(true);
    expect(globToRegExp('*.qmp').test('web-1.qmp.bak')).toBe(false);
    expect(globToRegExp('vm?.sock').test('vm1.sock')).toBe(true);
    expect(globToRegExp('a+b').test('aab')).toBe(false);
    expect(vmIdFromFileName('web 1.qmp')).toBe('web_1');
  });
});

describe('discovery of QMP sockets', () => {
  let dir: string;
  let watched: string;
  let qemu: TestQemu | undefined;
  let bridge: RunningBridge;
  let ws: TestWsClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-discovery-'));
    watched = join(dir, 'run');
    mkdirSync(watched);
    bridge = await startTestBridge(dir, { discover: [{ dir: watched, pattern: '*.qmp' }] });
    ws = await TestWsClient.connect(bridge.url);
  });

  afterAll(async () => {
    ws?.close();
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a VM for a socket that appears, named after the file', async () => {
    qemu = await startQemuOnSocket(join(watched, 'web-1.qmp'));
    const added = await ws.next<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'web-1');
    expect(added.vm.origin).toBe('discovered');
    await ws.next<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'web-1' && m.vm.status === 'prelaunch');
    expect((await getJson(bridge, '/api/vms')).body.map((vm: { id: string }) => vm.id)).toEqual(['web-1']);
  });

  it('marks it gone when the socket disappears, and revives it when QEMU is back', async () => {
    await qemu?.kill();
    rmSync(join(watched, 'web-1.qmp'), { force: true });
    await ws.next<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'web-1' && m.vm.connection === 'gone');
    qemu = await startQemuOnSocket(join(watched, 'web-1.qmp'));
    await ws.next<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'web-1' && m.vm.status === 'prelaunch');
    await waitFor(() => bridge.registry.get('web-1')?.connection === 'connected', 'web-1 connected');
  });
});
