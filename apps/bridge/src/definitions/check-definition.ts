/**
 * What the definition's schema cannot say alone, checked before a definition is stored: combinations that QEMU
 * would refuse or that would break the bridge. Each problem names its field, as the API answers it
 * (`disks[1].boot: ...`). Files (do the images exist, is a disk another VM's) are checked where the storage is.
 */
import type { VmDefinition } from '@qmpdeck/protocol';
import { drivesOf, placeDrives } from './controller-slots.ts';

export interface DefinitionIssue {
  field: string;
  message: string;
}

/** Options of `extraArgs` that would take the QEMU out of the bridge's hands. */
const RESERVED_OPTIONS: Readonly<Record<string, string>> = {
  daemonize: 'QEMU would leave the process the bridge watches',
  pidfile: 'the bridge keeps the pidfile itself (in the runtime directory)',
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function checkDefinition(definition: VmDefinition): DefinitionIssue[] {
  return [
    ...checkDrives(definition),
    ...checkBootOrder(definition),
    ...checkDiskFields(definition),
    ...checkNics(definition),
    ...checkExtraArgs(definition),
  ];
}

function checkDrives(definition: VmDefinition): DefinitionIssue[] {
  const placed = placeDrives(definition.machine, drivesOf(definition));
  return 'slots' in placed ? [] : [{ field: placed.field, message: placed.message }];
}

function checkBootOrder(definition: VmDefinition): DefinitionIssue[] {
  const seen = new Map<number, string>();
  const issues: DefinitionIssue[] = [];
  const drives = [
    ...definition.disks.map((disk, index) => ({ field: `disks[${index}].boot`, boot: disk.boot })),
    ...definition.cdroms.map((cdrom, index) => ({ field: `cdroms[${index}].boot`, boot: cdrom.boot })),
  ];
  for (const { field, boot } of drives) {
    if (boot === undefined) continue;
    const first = seen.get(boot);
    if (first !== undefined)
      issues.push({ field, message: `boot order ${boot} is given twice (also ${first})` });
    else seen.set(boot, field);
  }
  return issues;
}

function checkDiskFields(definition: VmDefinition): DefinitionIssue[] {
  return definition.disks.flatMap((disk, index) =>
    disk.storage !== undefined && disk.image !== undefined
      ? [
          {
            field: `disks[${index}].storage`,
            message: 'only for a new disk ("size"): an image is where it is',
          },
        ]
      : [],
  );
}

function checkNics(definition: VmDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const macs = new Map<string, number>();
  const forwards = new Map<string, string>();
  definition.nics.forEach((nic, index) => {
    if (nic.type !== 'bridge' && nic.bridge !== undefined) {
      issues.push({
        field: `nics[${index}].bridge`,
        message: `only for a "bridge" NIC (this one is "${nic.type}")`,
      });
    }
    if (nic.type !== 'tap' && nic.tap !== undefined) {
      issues.push({
        field: `nics[${index}].tap`,
        message: `only for a "tap" NIC (this one is "${nic.type}")`,
      });
    }
    if (nic.mac !== undefined) {
      const other = macs.get(nic.mac);
      if (other !== undefined)
        issues.push({ field: `nics[${index}].mac`, message: `the same MAC as nics[${other}]` });
      else macs.set(nic.mac, index);
      if ((Number.parseInt(nic.mac.slice(0, 2), 16) & 1) === 1) {
        issues.push({
          field: `nics[${index}].mac`,
          message: 'a multicast address (its first byte is odd); a NIC needs a unicast one',
        });
      }
    }
    nic.forwards.forEach((forward, at) => {
      const field = `nics[${index}].forwards[${at}]`;
      if (!IPV4.test(forward.host)) {
        issues.push({
          field: `${field}.host`,
          message: 'expected an IPv4 address such as 127.0.0.1 (QEMU 7.2 forwards IPv4 only)',
        });
      }
      const key = `${forward.protocol}:${forward.host}:${forward.hostPort}`;
      const first = forwards.get(key);
      if (first !== undefined) {
        issues.push({
          field: `${field}.hostPort`,
          message: `${forward.host}:${forward.hostPort}/${forward.protocol} is forwarded twice (also ${first})`,
        });
      } else forwards.set(key, field);
    });
  });
  return issues;
}

function checkExtraArgs(definition: VmDefinition): DefinitionIssue[] {
  return definition.extraArgs.flatMap((arg, index) => {
    const option = /^--?([a-z-]+)$/.exec(arg)?.[1];
    const why = option === undefined ? undefined : RESERVED_OPTIONS[option];
    return why === undefined
      ? []
      : [{ field: `extraArgs[${index}]`, message: `"${arg}" is not allowed: ${why}` }];
  });
}
