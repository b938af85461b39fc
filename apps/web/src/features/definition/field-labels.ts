/** Field keys in words, for the error summary at the top of the form: "disks.0.size" -> "Disk 1: size". */
const TOP: Record<string, string> = {
  id: 'ID',
  name: 'Name',
  description: 'Description',
  cpus: 'CPUs',
  cpuModel: 'CPU model',
  memoryMiB: 'Memory',
  machine: 'Machine type',
  firmware: 'Firmware',
  disks: 'Disks',
  cdroms: 'CD-ROM drives',
  nics: 'Network',
  display: 'Display',
  serial: 'Serial console',
  guestAgent: 'Guest agent',
  autostart: 'Autostart',
  extraArgs: 'Extra QEMU arguments',
};

const ITEM: Record<string, string> = { disks: 'Disk', cdroms: 'CD-ROM drive', nics: 'Network interface' };

const PART: Record<string, string> = {
  size: 'size',
  image: 'image',
  storage: 'storage',
  bus: 'bus',
  type: 'type',
  bridge: 'bridge',
  tap: 'tap interface',
  model: 'model',
  mac: 'MAC address',
  hostPort: 'host port',
  guestPort: 'guest port',
  host: 'host address',
  protocol: 'protocol',
};

export function fieldLabel(key: string): string {
  const [top = '', index, ...rest] = key.split('.');
  if (index === undefined || !/^\d+$/.test(index)) return TOP[top] ?? key;
  if (top === 'extraArgs') return `Extra QEMU argument ${Number(index) + 1}`;
  const item = `${ITEM[top] ?? top} ${Number(index) + 1}`;
  if (rest[0] === 'forwards' && rest[1] !== undefined) {
    const forward = `port forward ${Number(rest[1]) + 1}`;
    return rest[2] ? `${item}, ${forward}: ${PART[rest[2]] ?? rest[2]}` : `${item}, ${forward}`;
  }
  return rest[0] ? `${item}: ${PART[rest[0]] ?? rest[0]}` : item;
}

/** The element id of a field's control, for labels and the summary's links. */
export function fieldId(key: string): string {
  return `def-${key.replaceAll('.', '-')}`;
}
