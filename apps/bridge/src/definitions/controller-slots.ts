/**
 * Where each disk and CD-ROM plugs in, per machine: the one placement both the argv and the checks use, so a
 * definition that passes the checks always has a place for every drive.
 *
 * - `virtio`: a virtio-blk-pci device of its own (any number, on the PCI(e) root bus).
 * - `scsi`: a scsi-hd / scsi-cd on one virtio-scsi-pci controller (`scsi0`), added when a drive needs it.
 * - `sata`: AHCI ports, one drive each: q35's built-in ICH9 AHCI (buses `ide.0`..`ide.5`), or on `pc` an `ahci`
 *   controller `sata0` added when a drive needs it (`sata0.0`..`sata0.5`).
 * - `ide`: `pc`'s PIIX IDE, two buses of two units (4 places); q35 has no IDE, its `ide` drives go on its AHCI
 *   ports (which QEMU itself names `ide.N`), sharing them with `sata` drives.
 */
import type { VmDefinition } from '@qmpdeck/protocol';

export type Bus = 'virtio' | 'scsi' | 'sata' | 'ide';

export interface Slot {
  /** `-device` properties placing the drive (`bus=ide.0,unit=1`), or '' for its own PCI device. */
  placement: string;
  /** The controller it needs, added once: `virtio-scsi-pci,id=scsi0`, `ahci,id=sata0`. */
  controller: string | null;
}

export interface Drive {
  /** `disks[0]`, `cdroms[1]`: for messages. */
  field: string;
  bus: Bus;
}

export const AHCI_PORTS = 6;
export const PIIX_IDE_PLACES = 4;

/** The drives of a definition in placement order: disks, then CD-ROMs. */
export function drivesOf(definition: Pick<VmDefinition, 'disks' | 'cdroms'>): Drive[] {
  return [
    ...definition.disks.map((disk, index) => ({ field: `disks[${index}]`, bus: disk.bus })),
    ...definition.cdroms.map((cdrom, index) => ({ field: `cdroms[${index}]`, bus: cdrom.bus })),
  ];
}

/**
 * A slot per drive, in order; or, for the first drive without a place, the message why (naming the machine and
 * what to use instead).
 */
export function placeDrives(
  machine: VmDefinition['machine'],
  drives: readonly Drive[],
): { slots: Slot[] } | { field: string; message: string } {
  const slots: Slot[] = [];
  let ahci = 0;
  let ide = 0;
  for (const drive of drives) {
    if (drive.bus === 'virtio') {
      slots.push({ placement: '', controller: null });
    } else if (drive.bus === 'scsi') {
      slots.push({ placement: 'bus=scsi0.0', controller: 'virtio-scsi-pci,id=scsi0' });
    } else if (drive.bus === 'sata' || (drive.bus === 'ide' && machine === 'q35')) {
      if (ahci >= AHCI_PORTS) {
        return {
          field: `${drive.field}.bus`,
          message: `the ${machine} machine's SATA (AHCI) controller has ${AHCI_PORTS} ports, all taken by the drives before it; use "virtio" or "scsi"`,
        };
      }
      const bus = machine === 'q35' ? `ide.${ahci}` : `sata0.${ahci}`;
      slots.push({ placement: `bus=${bus}`, controller: machine === 'q35' ? null : 'ahci,id=sata0' });
      ahci++;
    } else {
      if (ide >= PIIX_IDE_PLACES) {
        return {
          field: `${drive.field}.bus`,
          message: `the pc machine's IDE controller has ${PIIX_IDE_PLACES} places (2 buses, 2 units each), all taken by the drives before it; use "sata", "scsi" or "virtio"`,
        };
      }
      slots.push({ placement: `bus=ide.${Math.floor(ide / 2)},unit=${ide % 2}`, controller: null });
      ide++;
    }
  }
  return { slots };
}
