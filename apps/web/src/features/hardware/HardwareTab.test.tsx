/** The Hardware tab's controls ask the role's permission: what the bridge would refuse is disabled, saying why. */
import type { Hardware, SessionInfo, Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/queryKeys.ts';
import { FakeSocket } from '../../live/fake-socket.test-helper.ts';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import { seedSession, VIEWER } from '../session/session.test-helper.ts';
import HardwareTab from './HardwareTab.tsx';

const vm: Vm = { id: 'alpha', name: 'Alpha', connection: 'connected', status: 'running', qemu: null };

const hardware: Hardware = {
  disks: [
    {
      drive: 'cd0',
      device: 'cd0',
      qdev: 'cd0',
      model: 'ide-cd',
      kind: 'cdrom',
      removable: true,
      trayOpen: false,
      locked: false,
      ioStatus: null,
      medium: {
        file: '/images/a.iso',
        format: 'raw',
        nodeName: null,
        protocol: null,
        readOnly: true,
        virtualSize: 1024,
        actualSize: null,
        cache: { writeback: true, direct: false, noFlush: false },
        backingFile: null,
        encrypted: false,
      },
      unpluggable: false,
    },
    {
      drive: 'data0',
      device: null,
      qdev: 'data0',
      model: 'virtio-blk-pci',
      kind: 'disk',
      removable: false,
      trayOpen: null,
      locked: false,
      ioStatus: null,
      medium: null,
      unpluggable: true,
    },
  ],
  nics: [
    {
      id: 'nic0',
      linkName: 'nic0',
      model: 'virtio-net-pci',
      mac: '52:54:00:12:34:56',
      netdev: 'net0',
      link: 'unknown',
      rxFilter: null,
      unpluggable: true,
    },
  ],
  pci: [],
  usb: [],
  memory: null,
  cpus: null,
  hotplug: { machine: 'pc-q35-7.2', possible: true, bus: 'rp1', note: null },
  errors: {},
};

/** An operator as the bridge's default policy has it: media, links and the device actions. */
const OPERATOR: SessionInfo = {
  auth: true,
  user: { name: 'ana', role: 'operator' },
  policy: {
    allow: [
      'query-*',
      'hardware.read',
      'eject',
      'set_link',
      'device.nic-add',
      'device.nic-remove',
      'device.disk-remove',
    ],
    deny: [],
  },
  vms: null,
  via: 'session',
};

async function renderTab(session: SessionInfo) {
  const queryClient = seedSession(new QueryClient(), session);
  queryClient.setQueryData(queryKeys.hardware(vm.id), hardware);
  render(
    <QueryClientProvider client={queryClient}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <HardwareTab vm={vm} />
      </LiveProvider>
    </QueryClientProvider>,
  );
  act(() => FakeSocket.latest().open());
  await screen.findByRole('button', { name: 'Eject cd0' });
}

const button = (name: string) => screen.getByRole('button', { name });

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(cleanup);

describe('HardwareTab', () => {
  it("disables a viewer's eject, link, hot-plug and unplug, saying why", async () => {
    await renderTab(VIEWER);
    const reasons: [string, string][] = [
      ['Eject cd0', 'Your role (viewer) may not run eject'],
      ['Link up nic0', 'Your role (viewer) may not run set_link'],
      ['Link down nic0', 'Your role (viewer) may not run set_link'],
      ['Unplug data0', 'Your role (viewer) may not unplug disks'],
      ['Unplug nic0', 'Your role (viewer) may not unplug NICs'],
      ['Add NIC', 'Your role (viewer) may not hot-plug NICs'],
    ];
    for (const [name, reason] of reasons) {
      expect(button(name).getAttribute('aria-disabled'), name).toBe('true');
      expect(button(name).title, name).toBe(reason);
    }
  });

  it('offers them to an operator once the socket is open', async () => {
    await renderTab(OPERATOR);
    for (const name of ['Eject cd0', 'Link up nic0', 'Unplug data0', 'Unplug nic0', 'Add NIC']) {
      await waitFor(() => expect((button(name) as HTMLButtonElement).disabled, name).toBe(false));
      expect(button(name).getAttribute('aria-disabled'), name).toBeNull();
      expect(button(name).title, name).toBe('');
    }
  });
});
