/**
 * Which VMs use a file: every definition that names it (a disk or a CD-ROM), and every connected VM that has it
 * open now (QEMU's `query-block`, whatever the VM's origin: a config VM's `-drive` counts too). A file in use
 * cannot be deleted, and a disk image cannot be given to a second VM (ISOs may be shared, read-only).
 *
 * `query-block` here is the bridge's own look at the VM, part of the command that asked (a delete, a create):
 * not a person's command of its own, so it does not pass the pipeline (like the run-state query).
 */
import { realpathSync } from 'node:fs';
import type { VmDefinition } from '@qmpdeck/protocol';
import type { VmRegistry } from '../vms/vm-registry.ts';
import { parseImageRef, type StorageLocations } from './storage-locations.ts';
import { existingFile } from './storage-paths.ts';

const QUERY_BLOCK_TIMEOUT_MS = 3000;

export interface FileUser {
  vm: string;
  /** How it uses the file: a definition's disk or CD-ROM, or open in QEMU (read-only or not). */
  as: 'disk' | 'cdrom' | 'open' | 'open-read-only';
}

interface BlockInfo {
  inserted?: { file?: string; ro?: boolean };
}

export class FileUsage {
  constructor(
    readonly locations: StorageLocations,
    readonly definitions: () => readonly VmDefinition[],
    readonly registry: VmRegistry,
  ) {}

  /** Every use of every file, by real path: definitions' and open ones. */
  async all(): Promise<Map<string, FileUser[]>> {
    const uses = new Map<string, FileUser[]>();
    const add = (path: string, user: FileUser) => {
      const list = uses.get(path) ?? [];
      if (!list.some((known) => known.vm === user.vm && known.as === user.as)) list.push(user);
      uses.set(path, list);
    };
    for (const definition of this.definitions()) {
      for (const disk of definition.disks) {
        const path = disk.image === undefined ? null : this.#resolve(disk.image);
        if (path !== null) add(path, { vm: definition.id, as: 'disk' });
      }
      for (const cdrom of definition.cdroms) {
        const path = cdrom.image === undefined ? null : this.#resolve(cdrom.image);
        if (path !== null) add(path, { vm: definition.id, as: 'cdrom' });
      }
    }
    const open = await Promise.all(
      this.registry.all().map(async (vm) => ({ vm: vm.id, blocks: await openBlocks(vm.qmp.client) })),
    );
    for (const { vm, blocks } of open) {
      for (const block of blocks) {
        const file = block.inserted?.file;
        if (file === undefined || !file.startsWith('/')) continue;
        add(realOrSame(file), { vm, as: block.inserted?.ro === true ? 'open-read-only' : 'open' });
      }
    }
    return uses;
  }

  async usersOf(path: string): Promise<FileUser[]> {
    return (await this.all()).get(path) ?? [];
  }

  /**
   * The VM that keeps `vm` from using `path` as `as`, or null: a disk must be nobody else's at all; an ISO may be
   * shared, unless another VM has it as a disk or open for writing.
   */
  async holderFor(path: string, as: 'disk' | 'cdrom', vm: string): Promise<string | null> {
    const others = (await this.usersOf(path)).filter((user) => user.vm !== vm);
    const blocking =
      as === 'disk' ? others : others.filter((user) => user.as === 'disk' || user.as === 'open');
    return blocking[0]?.vm ?? null;
  }

  #resolve(ref: string): string | null {
    const { storage, name } = parseImageRef(ref);
    try {
      return existingFile(this.locations.get(storage), name);
    } catch {
      // A definition naming a file that is gone (or a location no longer configured): it uses nothing.
      return null;
    }
  }
}

async function openBlocks(
  client: {
    execute(command: string, args?: unknown, options?: { timeoutMs: number }): Promise<unknown>;
  } | null,
): Promise<BlockInfo[]> {
  if (client === null) return [];
  try {
    return (await client.execute('query-block', undefined, {
      timeoutMs: QUERY_BLOCK_TIMEOUT_MS,
    })) as BlockInfo[];
  } catch {
    // A VM that does not answer now holds nothing the bridge can see; its definition still counts.
    return [];
  }
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
