/**
 * The bridge's multi-step device actions, each one command of the pipeline (one authorization, one in-flight
 * entry, one audit line; operator and up in the default policy), its steps sent on the VM's live
 * QMP connection:
 *
 * - `device.nic-add` { model?, mac? }: `netdev_add` (user networking) + `device_add` on a free PCIe root port
 *   (q35) or the PCI bus (pc), named `hpnetN` / `hpnicN`; the netdev is removed again if the device is refused;
 * - `device.nic-remove` { device, waitSeconds? }: `device_del`, wait for `DEVICE_DELETED`, `netdev_del`;
 * - `device.disk-remove` { device, waitSeconds? }: `device_del`, wait for `DEVICE_DELETED`, `blockdev-del` of its node when it
 *   was added with `blockdev-add` (a `-drive` one goes with its device).
 */
import { BridgeErrorClass, type DeviceChange, type Hotplug, NicAddRequest } from '@qmpdeck/protocol';
import { type ArgsOf, type QmpClient, QmpError } from '@qmpdeck/qmp';
import { z } from 'zod';
import { BridgeError, badRequest } from '../bridge-error.ts';
import { describeIssues } from '../http/zod-type-provider.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { unplugDevice } from './device-unplug.ts';
import { deviceId } from './disks.ts';
import { peripheralsFrom } from './nics.ts';
import { hotplugPlace } from './pci.ts';
import type { QueryRunner } from './query-runner.ts';
import { freeRootPorts } from './root-ports.ts';

const STEP_TIMEOUT_MS = 10_000;
const NicAddArgs = NicAddRequest.omit({ origin: true });
const DeviceArgs = z.strictObject({
  device: z.string().min(1).max(256),
  /** How long to wait for the guest to let go (default UNPLUG_WAIT_MS). */
  waitSeconds: z.number().int().min(1).max(600).optional(),
});

export type DeviceActionRunner = (
  vm: VmSupervisor,
  args: Record<string, unknown> | undefined,
) => Promise<DeviceChange>;

export const DEVICE_ACTION_RUNNERS = {
  'device.nic-add': async (vm, args) => {
    const { model = 'virtio-net-pci', mac } = parseArgs(NicAddArgs, args ?? {}, 'device.nic-add');
    const client = liveClient(vm);
    const place = await hotplugTarget(client);
    const taken = new Set((await peripherals(client)).map((device) => device.name));
    for (let n = 0; ; n++) {
      const device = `hpnic${n}`;
      const netdev = `hpnet${n}`;
      if (taken.has(device)) continue;
      try {
        await step(client, 'netdev_add', { type: 'user', id: netdev });
      } catch (err) {
        // Netdevs cannot be listed: an id in use shows as this error, and the next number is tried.
        if (err instanceof QmpError && /Duplicate ID/.test(err.desc) && n < 64) continue;
        throw err;
      }
      try {
        await step(
          client,
          'device_add',
          withProperties(
            { driver: model, id: device },
            {
              netdev,
              ...(mac === undefined ? {} : { mac }),
              ...(place.bus === null ? {} : { bus: place.bus }),
            },
          ),
        );
      } catch (err) {
        await step(client, 'netdev_del', { id: netdev }).catch(() => undefined);
        throw err;
      }
      return { device, backend: netdev };
    }
  },

  'device.nic-remove': async (vm, args) => {
    const { device, waitSeconds } = parseArgs(DeviceArgs, args ?? {}, 'device.nic-remove');
    const client = liveClient(vm);
    const netdev = await step(client, 'qom-get', {
      path: `/machine/peripheral/${device}`,
      property: 'netdev',
    });
    const backend = typeof netdev === 'string' && netdev !== '' ? netdev : null;
    await unplugDevice({
      client,
      device,
      backend: backend === null ? 'nothing else' : `its netdev ${backend}`,
      afterwards: async () => {
        if (backend !== null) await step(client, 'netdev_del', { id: backend });
      },
      log: vm.options.log,
      vm: vm.id,
      ...(waitSeconds === undefined ? {} : { waitMs: waitSeconds * 1000 }),
    });
    return { device, backend };
  },

  'device.disk-remove': async (vm, args) => {
    const { device, waitSeconds } = parseArgs(DeviceArgs, args ?? {}, 'device.disk-remove');
    const client = liveClient(vm);
    const blocks = await step(client, 'query-block', undefined);
    const block = blocks.find((entry) => entry.qdev !== undefined && deviceId(entry.qdev) === device);
    if (!block)
      throw new BridgeError(BridgeErrorClass.NotFound, `VM "${vm.id}" has no disk device "${device}"`, 404);
    // A node added with blockdev-add is the person's to delete; a -drive's goes with its device.
    const node = block.device === '' ? (block.inserted?.['node-name'] ?? null) : null;
    const backend = node !== null && !node.startsWith('#') ? node : null;
    await unplugDevice({
      client,
      device,
      backend: backend === null ? 'nothing else' : `its image node ${backend}`,
      afterwards: async () => {
        if (backend !== null) await step(client, 'blockdev-del', { 'node-name': backend });
      },
      log: vm.options.log,
      vm: vm.id,
      ...(waitSeconds === undefined ? {} : { waitMs: waitSeconds * 1000 }),
    });
    return { device, backend };
  },
} satisfies Record<string, DeviceActionRunner>;

export type DeviceAction = keyof typeof DEVICE_ACTION_RUNNERS;

/** Where a new PCI device goes, or 409 `Conflict` saying why nowhere. */
export async function hotplugTarget(client: QmpClient): Promise<Hotplug> {
  const type = await step(client, 'qom-get', { path: '/machine', property: 'type' });
  const machine = typeof type === 'string' ? type.replace(/-machine$/, '') : null;
  const query: QueryRunner = (command, args) => step(client, command, args);
  const place = hotplugPlace(machine, await freeRootPorts(query, await peripherals(client)));
  if (!place.possible)
    throw new BridgeError(BridgeErrorClass.Conflict, `cannot hot-plug: ${place.note}`, 409);
  return place;
}

async function peripherals(client: QmpClient) {
  return peripheralsFrom(
    '/machine/peripheral',
    await step(client, 'qom-list', { path: '/machine/peripheral' }),
  );
}

export function step<K extends string>(client: QmpClient, command: K, args: ArgsOf<K> | undefined) {
  return client.execute(command, args, { timeoutMs: STEP_TIMEOUT_MS });
}

/** device_add takes the device's own properties beside driver, bus and id; QEMU's schema leaves them open. */
export function withProperties(
  args: ArgsOf<'device_add'>,
  properties: Record<string, unknown>,
): ArgsOf<'device_add'> {
  return { ...args, ...properties } as ArgsOf<'device_add'>;
}

export function liveClient(vm: VmSupervisor): QmpClient {
  const client = vm.qmp.client;
  if (client === null) {
    throw new BridgeError(
      BridgeErrorClass.VmNotConnected,
      `VM "${vm.id}" is not connected (${vm.connection})`,
      503,
    );
  }
  return client;
}

export function parseArgs<T extends z.ZodType>(schema: T, args: unknown, action: string): z.output<T> {
  const parsed = schema.safeParse(args);
  if (!parsed.success)
    throw badRequest(`invalid arguments of ${action}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
