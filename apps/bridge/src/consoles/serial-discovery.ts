/**
 * A VM's serial ports as QEMU has them: the unix-socket server chardevs (`query-chardev`) that a serial device or
 * console is plugged into. The frontends are found in QOM (an `isa-serial` from `-serial`, a `pci-serial`, a
 * `virtconsole`...; each names its chardev), so a monitor's chardev (`compat_monitor0`), the guest agent's port (a
 * `virtserialport`) or any other socket QEMU serves is never taken for a console. The QMP and agent sockets the
 * bridge itself uses are left out again by path, whatever QOM says.
 */
import type { QmpClient, ReturnOf } from '@qmpdeck/qmp';

export interface SerialPortAddress {
  /** The chardev id (`serial0`, `con0`): the port's name in the API. */
  name: string;
  socket: string;
}

type ChardevInfo = ReturnOf<'query-chardev'>[number];

/** QOM device types that are serial ports or consoles, with the properties that name their chardevs. */
export const SERIAL_FRONTENDS: Readonly<Record<string, readonly string[]>> = {
  'isa-serial': ['chardev'],
  'pci-serial': ['chardev'],
  'pci-serial-2x': ['chardev1', 'chardev2'],
  'pci-serial-4x': ['chardev1', 'chardev2', 'chardev3', 'chardev4'],
  'usb-serial': ['chardev'],
  virtconsole: ['chardev'],
};

/** Where devices live in QOM: made by the board (`-serial`), by `-device` with an id, and without one. */
const QOM_DEVICE_ROOTS = ['/machine/unattached', '/machine/peripheral', '/machine/peripheral-anon'];
const QUERY_TIMEOUT_MS = 5000;

/**
 * The socket path of a unix server chardev, from `query-chardev`'s `filename`: `unix:PATH,server=on`, prefixed
 * with `disconnected:` while no client is connected. Null for anything else (TCP, a file, a client-mode socket).
 */
export function unixServerPath(filename: string): string | null {
  const address = filename.startsWith('disconnected:') ? filename.slice('disconnected:'.length) : filename;
  const suffix = ',server=on';
  if (!address.startsWith('unix:') || !address.endsWith(suffix)) return null;
  const path = address.slice('unix:'.length, -suffix.length);
  return path === '' ? null : path;
}

/** The ports: chardevs behind a frontend, unix servers, not one of `ownSockets`; sorted by name. */
export function serialPortsFrom(
  chardevs: readonly ChardevInfo[],
  frontendLabels: ReadonlySet<string>,
  ownSockets: readonly string[],
): SerialPortAddress[] {
  const ports: SerialPortAddress[] = [];
  for (const chardev of chardevs) {
    if (!frontendLabels.has(chardev.label)) continue;
    const socket = unixServerPath(chardev.filename);
    if (socket === null || ownSockets.includes(socket)) continue;
    ports.push({ name: chardev.label, socket });
  }
  return ports.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** Asks QEMU: the chardevs, then each serial frontend's chardev property. */
export async function lookUpSerialPorts(
  client: QmpClient,
  ownSockets: readonly string[],
): Promise<SerialPortAddress[]> {
  const options = { timeoutMs: QUERY_TIMEOUT_MS };
  const chardevs = await client.execute('query-chardev', undefined, options);
  const labels = new Set<string>();
  for (const root of QOM_DEVICE_ROOTS) {
    const children = await client.execute('qom-list', { path: root }, options).catch(() => []);
    for (const child of children) {
      const type = /^child<(.+)>$/.exec(child.type)?.[1];
      const properties = type === undefined ? undefined : SERIAL_FRONTENDS[type];
      for (const property of properties ?? []) {
        const label = await client.execute('qom-get', { path: `${root}/${child.name}`, property }, options);
        if (typeof label === 'string' && label !== '') labels.add(label);
      }
    }
  }
  return serialPortsFrom(chardevs, labels, ownSockets);
}
