/**
 * Unplugging a device is two steps apart in time: `device_del` only asks, and QEMU removes the device when the
 * guest lets go of it, saying so with `DEVICE_DELETED` (the device's own event carries `device`; its children's
 * come first, without it). Only then may its backend (block node, netdev) go. On `pc` and on `q35` with ACPI
 * hot-plug (QEMU 7.2's default) a machine without a guest OS that answers never lets go; with native PCIe
 * hot-plug it is instant (shared/qmp consoles-devices-jobs.md §3).
 *
 * So the wait is bounded: past it the caller is told that the guest has not let go yet, and the bridge keeps
 * listening on that connection (for an hour), removing the backend whenever the event does come.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { QmpClient } from '@qmpdeck/qmp';
import { BridgeError } from '../bridge-error.ts';
import type { Logger } from '../log.ts';

/** How long an unplug waits for the guest before answering that it has not let go yet. */
export const UNPLUG_WAIT_MS = 20_000;
const DEVICE_DEL_TIMEOUT_MS = 10_000;
/** How long the bridge keeps listening for a late `DEVICE_DELETED` before it forgets the unplug. */
const FOLLOW_UP_MS = 3_600_000;

export interface UnplugOptions {
  client: QmpClient;
  device: string;
  /** Removes what the device used (its block node, its netdev) once it is gone. */
  afterwards: () => Promise<void>;
  /** Words for the backend, for the timeout message ("its image node hp0"). */
  backend: string;
  log: Logger;
  vm: string;
  waitMs?: number;
}

export async function unplugDevice(options: UnplugOptions): Promise<void> {
  const { client, device } = options;
  // Listening before asking: QEMU may send the event before device_del's return.
  const events = client.events({ names: ['DEVICE_DELETED'] });
  const deleted = (async () => {
    for await (const event of events) if (event.data?.device === device) return true;
    return false;
  })();
  try {
    await client.execute('device_del', { id: device }, { timeoutMs: DEVICE_DEL_TIMEOUT_MS });
  } catch (err) {
    await events.return?.();
    throw err;
  }
  const waitMs = options.waitMs ?? UNPLUG_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    deleted,
    new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), waitMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === true) {
    await options.afterwards();
    return;
  }
  if (outcome === false) {
    throw new BridgeError(
      BridgeErrorClass.ConnectionClosed,
      `the QMP connection ended before QEMU removed ${device}`,
      503,
    );
  }
  const forget = setTimeout(() => void events.return?.(), FOLLOW_UP_MS);
  forget.unref();
  void finishLater(options, deleted).finally(() => clearTimeout(forget));
  throw new BridgeError(
    BridgeErrorClass.Timeout,
    `the guest has not let go of ${device} after ${Math.round(waitMs / 1000)} s: QEMU removes it once the guest ` +
      'agrees (ACPI hot-plug needs a guest OS that answers); the bridge then removes ' +
      `${options.backend}. A second unplug is not needed.`,
    504,
  );
}

async function finishLater(options: UnplugOptions, deleted: Promise<boolean>): Promise<void> {
  const { log, vm, device } = options;
  if (!(await deleted)) return;
  try {
    await options.afterwards();
    log.info({ vm, device }, 'device removed after the guest let go of it');
  } catch (err) {
    log.warn({ vm, device, err }, 'device removed, but not what it used');
  }
}
