/**
 * A VM's drives as the Hardware tab lists them, from `query-block` (drives, trays, media), the device models QOM
 * gives for their qdev paths, and `query-named-block-nodes` (the protocol node under each medium). Pure, tested
 * with QEMU's own answers.
 */
import type { DiskMedium, HardwareDisk } from '@qmpdeck/protocol';
import type { ReturnOf } from '@qmpdeck/qmp';

export type BlockInfo = ReturnOf<'query-block'>[number];
export type NamedNode = ReturnOf<'query-named-block-nodes'>[number];

/** Device models the bridge can unplug: PCI and USB devices QEMU hot-plugs (IDE and floppy it cannot). */
const UNPLUGGABLE_MODELS = new Set([
  'virtio-blk-pci',
  'virtio-blk-pci-transitional',
  'virtio-blk-pci-non-transitional',
  'scsi-hd',
  'scsi-cd',
  'usb-storage',
  'nvme',
]);

/**
 * The QOM path to ask a drive's device model from: virtio-blk reports its backend (`.../vblk0/virtio-backend`),
 * whose parent is the PCI device people added; an id alone (`cdrom2`) is a partial path QOM resolves.
 */
export function devicePath(qdev: string): string {
  return qdev.replace(/\/virtio-backend$/, '');
}

/** `/machine/peripheral/vblk0[/virtio-backend]` or `vblk0` -> `vblk0`; a path elsewhere (no id) -> null. */
export function deviceId(qdev: string): string | null {
  const match = /^\/machine\/peripheral\/([^/]+)(\/virtio-backend)?$/.exec(qdev);
  if (match) return match[1] as string;
  return qdev.startsWith('/') ? null : qdev;
}

export function diskFrom(
  block: BlockInfo,
  model: string | null,
  nodes: readonly NamedNode[] | null,
): HardwareDisk {
  const id = block.qdev ? deviceId(block.qdev) : null;
  return {
    drive: block.device || id || block.qdev || '?',
    device: block.device || null,
    qdev: id ?? block.qdev ?? null,
    model,
    kind: kindOf(model, block.removable),
    removable: block.removable,
    trayOpen: block.removable ? (block.tray_open ?? null) : null,
    locked: block.locked,
    ioStatus: block['io-status'] ?? null,
    medium: block.inserted ? mediumFrom(block.inserted, nodes) : null,
    unpluggable: id !== null && model !== null && UNPLUGGABLE_MODELS.has(model),
  };
}

function kindOf(model: string | null, removable: boolean): HardwareDisk['kind'] {
  if (model === 'floppy' || model === 'isa-fdc') return 'floppy';
  if (model?.endsWith('-cd') || (model === null && removable)) return 'cdrom';
  return 'disk';
}

function mediumFrom(
  inserted: NonNullable<BlockInfo['inserted']>,
  nodes: readonly NamedNode[] | null,
): DiskMedium {
  const nodeName = inserted['node-name'] ?? null;
  // The protocol node opens the same file as the format node above it.
  const protocol = nodes?.find((node) => node.file === inserted.file && node['node-name'] !== nodeName);
  return {
    file: inserted.file,
    format: inserted.drv,
    nodeName,
    protocol: protocol?.drv ?? null,
    readOnly: inserted.ro,
    virtualSize: inserted.image['virtual-size'] ?? null,
    actualSize: inserted.image['actual-size'] ?? null,
    cache: {
      writeback: inserted.cache.writeback,
      direct: inserted.cache.direct,
      noFlush: inserted.cache['no-flush'],
    },
    backingFile: inserted.backing_file ?? null,
    encrypted: inserted.encrypted,
  };
}
