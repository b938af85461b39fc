/**
 * What a VM is made of (`GET /api/vms/:id/hardware`), put together from QEMU's answers. Each query is run by the
 * given runner (hardware/hardware-read.ts: on the VM's live connection, held to the caller's role), one after
 * another: a query the caller's role may not run, or one QEMU refuses, leaves its section out with the error said
 * (`errors`), and the rest is shown. No balloon is no error. */
import type {
  ErrorBody,
  Hardware,
  HardwareCpus,
  HardwareMemory,
  HardwareNic,
  LinkState,
} from '@qmpdeck/protocol';
import { toErrorBody } from '../bridge-error.ts';
import { devicePath, diskFrom } from './disks.ts';
import { isNic, isUsb, nicFrom, type Peripheral, peripheralsFrom, type RxFilter } from './nics.ts';
import { hotplugPlace, pciDevices } from './pci.ts';
import type { QueryRunner } from './query-runner.ts';
import { freeRootPorts } from './root-ports.ts';

export async function readHardware(
  query: QueryRunner,
  linkOf: (names: readonly (string | null)[]) => LinkState,
): Promise<Hardware> {
  const errors: Record<string, ErrorBody> = {};
  const attempt = async <T>(section: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (err) {
      errors[section] = toErrorBody(err).body;
      return null;
    }
  };

  const peripherals = await attempt('devices', async () =>
    [
      ...peripheralsFrom('/machine/peripheral', await query('qom-list', { path: '/machine/peripheral' })),
      ...peripheralsFrom(
        '/machine/peripheral-anon',
        await query('qom-list', { path: '/machine/peripheral-anon' }),
      ),
    ].sort(byName),
  );
  const disks = await attempt('disks', () => readDisks(query, attempt));
  const nics = peripherals
    ? await attempt('nics', () => readNics(query, peripherals, linkOf, attempt))
    : null;
  const pci = await attempt('pci', () => query('query-pci'));
  const memory = await attempt('memory', () => readMemory(query));
  const cpus = await attempt('cpus', () => readCpus(query));
  const machine = await attempt('machine', async () => {
    const type = await query('qom-get', { path: '/machine', property: 'type' });
    return typeof type === 'string' ? type.replace(/-machine$/, '') : null;
  });
  const freePorts = peripherals ? await attempt('hotplug', () => freeRootPorts(query, peripherals)) : null;
  return {
    disks: disks ?? [],
    nics: nics ?? [],
    pci: pci ? pciDevices(pci) : [],
    usb: (peripherals ?? [])
      .filter(isUsb)
      .map((device) => ({ id: device.id ?? device.path, model: device.type })),
    memory,
    cpus,
    hotplug: hotplugPlace(machine, freePorts ?? []),
    errors,
  };
}

/** QOM lists the newest first: devices read in the order of their names, numbers counted (`nic2` < `nic10`). */
function byName(a: Peripheral, b: Peripheral): number {
  return a.path.localeCompare(b.path, 'en', { numeric: true });
}

type Attempt = <T>(section: string, read: () => Promise<T>) => Promise<T | null>;

async function readDisks(query: QueryRunner, attempt: Attempt) {
  const blocks = await query('query-block');
  // Host file names of every node: a role that may not see them gets the drives without their protocol node.
  const nodes = await attempt('nodes', () => query('query-named-block-nodes'));
  const disks = [];
  for (const block of blocks) {
    // A device QOM cannot name (an unusual path) still shows, without its model.
    const model = block.qdev
      ? await query('qom-get', { path: devicePath(block.qdev), property: 'type' }).then(
          (type) => (typeof type === 'string' ? type : null),
          () => null,
        )
      : null;
    disks.push(diskFrom(block, model, nodes));
  }
  return disks;
}

async function readNics(
  query: QueryRunner,
  peripherals: readonly Peripheral[],
  linkOf: (names: readonly (string | null)[]) => LinkState,
  attempt: Attempt,
): Promise<HardwareNic[]> {
  const devices = peripherals.filter(isNic);
  if (devices.length === 0) return [];
  // Models without rx-filter support are skipped by a query without a name; virtio-net reports.
  const filters: RxFilter[] | null = await attempt('rxFilter', () => query('query-rx-filter'));
  const nics: HardwareNic[] = [];
  for (const device of devices) {
    const mac = await query('qom-get', { path: device.path, property: 'mac' });
    const netdev = await query('qom-get', { path: device.path, property: 'netdev' });
    nics.push(
      nicFrom(
        device,
        {
          mac: typeof mac === 'string' ? mac : null,
          netdev: typeof netdev === 'string' && netdev !== '' ? netdev : null,
        },
        filters,
        linkOf,
      ),
    );
  }
  return nics;
}

async function readMemory(query: QueryRunner): Promise<HardwareMemory> {
  const summary = await query('query-memory-size-summary');
  const balloon = await query('query-balloon').then(
    (answer) => answer.actual,
    (err: unknown) => {
      // No balloon device is an answer, not a failure.
      if ((err as { class?: unknown }).class === 'DeviceNotActive') return null;
      throw err;
    },
  );
  const devices = await query('query-memory-devices');
  return {
    base: summary['base-memory'],
    plugged: summary['plugged-memory'] ?? 0,
    balloon,
    devices: devices.map((device) => {
      const data = device.data as { id?: string; size?: number };
      return { type: device.type, id: data.id ?? null, size: data.size ?? null };
    }),
  };
}

async function readCpus(query: QueryRunner): Promise<HardwareCpus> {
  const cpus = await query('query-cpus-fast');
  // Machines without CPU hot-plug refuse this query: the present vCPUs are still the answer.
  const slots = await query('query-hotpluggable-cpus').catch(() => null);
  const max = (key: 'socket-id' | 'core-id' | 'thread-id') =>
    Math.max(0, ...(slots ?? []).map((slot) => slot.props[key] ?? 0)) + 1;
  return {
    present: cpus.map((cpu) => ({
      index: cpu['cpu-index'],
      threadId: cpu['thread-id'] ?? null,
      socket: cpu.props?.['socket-id'] ?? null,
      core: cpu.props?.['core-id'] ?? null,
      thread: cpu.props?.['thread-id'] ?? null,
    })),
    slots: slots?.length ?? null,
    topology: slots ? { sockets: max('socket-id'), cores: max('core-id'), threads: max('thread-id') } : null,
  };
}
