/** The Hardware tab's controls ask the role's permission: what the bridge would refuse is disabled, saying why. */
import type { Hardware, SessionInfo, StorageFile, StorageLocation, Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
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
      'device.media',
      'device.disk-add',
      'device.nic-add',
      'device.nic-remove',
      'device.disk-remove',
    ],
    deny: [],
  },
  vms: null,
  via: 'session',
};

const LOCATIONS: StorageLocation[] = [
  { id: 'isos', path: '/srv/isos', content: ['iso'], total: null, free: null },
  { id: 'disks', path: '/srv/disks', content: ['disk'], total: null, free: null },
  { id: 'dumps', path: '/srv/dumps', content: ['dump'], total: null, free: null },
];

function file(storage: string, name: string, usedBy: string[]): StorageFile {
  return {
    storage,
    name,
    ref: `${storage}:${name}`,
    size: 1024 * 1024,
    virtualSize: null,
    format: null,
    modified: 0,
    usedBy,
  };
}

async function renderTab(session: SessionInfo) {
  const queryClient = seedSession(new QueryClient(), session);
  queryClient.setQueryData(queryKeys.hardware(vm.id), hardware);
  queryClient.setQueryData(queryKeys.storageLocations(), LOCATIONS);
  queryClient.setQueryData(queryKeys.storageFiles('isos'), [file('isos', 'b.iso', [])]);
  queryClient.setQueryData(queryKeys.storageFiles('disks'), [file('disks', 'data.qcow2', ['beta'])]);
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
      ['Change medium cd0', 'Your role (viewer) may not change media'],
      ['Add disk', 'Your role (viewer) may not hot-plug disks'],
    ];
    for (const [name, reason] of reasons) {
      expect(button(name).getAttribute('aria-disabled'), name).toBe('true');
      expect(button(name).title, name).toBe(reason);
    }
  });

  it("lists the storage locations' images by reference in the pickers: ISOs for the CD-ROM, disks to add", async () => {
    await renderTab(OPERATOR);
    const options = (label: string) =>
      [...(screen.getByRole('combobox', { name: label }) as HTMLSelectElement).options].map((o) => [
        o.value,
        o.text,
      ]);
    await waitFor(() => expect(options('Image for cd0')).toHaveLength(2));
    expect(options('Image for cd0')).toEqual([
      ['', 'choose an image'],
      ['isos:b.iso', 'b.iso (1 MiB)'],
    ]);
    expect(options('Disk image to add')).toEqual([
      ['', 'choose an image'],
      ['disks:data.qcow2', 'data.qcow2 (1 MiB, used by beta)'],
    ]);
    // Nothing is sent until an image is chosen.
    expect((button('Change medium cd0') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByRole('combobox', { name: 'Image for cd0' }), {
      target: { value: 'isos:b.iso' },
    });
    await waitFor(() => expect((button('Change medium cd0') as HTMLButtonElement).disabled).toBe(false));
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
