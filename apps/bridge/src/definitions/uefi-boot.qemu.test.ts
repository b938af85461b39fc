/**
 * One UEFI boot of the demo guest's ISO from a definition, against real QEMU and Debian's OVMF: the VM gets its
 * own copy of the UEFI variables beside its definition, OVMF boots the ISO's EFI loader and the guest agent
 * answers. Slow under TCG (OVMF's own start takes most of it), so one case only; the time is printed.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, NO_GUEST_REASON } from '../guest/testing/demo-guest.ts';
import type { RunningBridge } from '../server.ts';
import { postJson, startTestBridge } from '../testing/bridge.ts';
import { waitFor } from '../testing/wait-for.ts';
import { OVMF_CODE, OVMF_VARS } from './firmware.ts';

const BOOT_WAIT_MS = 300_000;
const ready = demoGuest?.iso != null && existsSync(OVMF_CODE) && existsSync(OVMF_VARS);

describe.skipIf(!ready)('a UEFI VM from a definition, with real QEMU and OVMF', () => {
  let dir: string;
  let bridge: RunningBridge;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-uefi-'));
    const images = join(dir, 'images');
    mkdirSync(images);
    copyFileSync(demoGuest?.iso as string, join(images, 'demo-guest.iso'));
    bridge = await startTestBridge(dir, {
      storage: [{ id: 'local', path: images, content: ['iso'] }],
      accelerators: demoGuest?.accelerators as ('kvm' | 'tcg')[],
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'boots the ISO with its own variables file, and the guest agent answers',
    async () => {
      const created = await postJson(bridge, '/api/vms', {
        id: 'efi',
        firmware: 'uefi',
        memoryMiB: 512,
        display: 'none',
        cdroms: [{ image: 'local:demo-guest.iso' }],
      });
      expect(created.status).toBe(201);
      const startedAt = Date.now();
      expect((await postJson(bridge, '/api/vms/efi/start', {})).body.process.state).toBe('running');
      expect(existsSync(join(dir, 'vms', 'efi.vars.fd'))).toBe(true);
      const answer = await waitFor(
        async () => {
          const reply = await postJson(bridge, '/api/vms/efi/guest/execute', {
            execute: 'guest-get-host-name',
          });
          return reply.status === 200 ? reply.body : undefined;
        },
        'the guest agent of the UEFI VM',
        BOOT_WAIT_MS,
      );
      expect(answer).toMatchObject({ return: { 'host-name': expect.any(String) } });
      console.log(
        `UEFI: the guest agent answered ${Date.now() - startedAt} ms after start (${demoGuest?.accelerators})`,
      );
    },
    BOOT_WAIT_MS + 60_000,
  );
});

if (!ready) console.warn(`${NO_GUEST_REASON}, or Debian's ovmf is not installed`);
