/**
 * VM definitions as files: one pretty-printed JSON document per VM, `<dataDir>/vms/<id>.json`, readable and
 * backed up with the directory. Written atomically (a temporary file, synced, renamed over the old one), so a
 * crash leaves the old definition or the new one, never half of either. At start every file is read; one that is
 * not a valid definition (hand-edited, truncated) is logged and skipped, never fatal. UEFI variables live beside
 * them (`<id>.vars.fd`).
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { VmDefinition } from '@qmpdeck/protocol';
import { describeIssue } from '../config/load.ts';
import type { Logger } from '../log.ts';

export class DefinitionStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    readonly log: Logger,
  ) {
    this.dir = join(dataDir, 'vms');
  }

  /** Every valid definition in the directory (none when it does not exist yet). */
  load(): VmDefinition[] {
    let names: string[];
    try {
      names = readdirSync(this.dir)
        .filter((name) => name.endsWith('.json'))
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.flatMap((name) => {
      const definition = this.#read(name);
      return definition === null ? [] : [definition];
    });
  }

  save(definition: VmDefinition): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.pathOf(definition.id);
    const temp = join(this.dir, `.${definition.id}.json.${randomUUID()}.tmp`);
    const fd = openSync(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeSync(fd, `${JSON.stringify(definition, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temp, path);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
    syncDirectory(this.dir);
  }

  /** Removes the definition and the VM's UEFI variables. */
  remove(id: string): void {
    rmSync(this.pathOf(id), { force: true });
    rmSync(this.varsPath(id), { force: true });
    syncDirectory(this.dir);
  }

  pathOf(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** The VM's own UEFI variables store. */
  varsPath(id: string): string {
    return join(this.dir, `${id}.vars.fd`);
  }

  #read(name: string): VmDefinition | null {
    const path = join(this.dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      this.log.error({ file: path, err }, 'VM definition skipped: not readable JSON');
      return null;
    }
    const parsed = VmDefinition.safeParse(json);
    if (!parsed.success) {
      this.log.error(
        { file: path, problems: parsed.error.issues.map(describeIssue) },
        'VM definition skipped: not a valid definition',
      );
      return null;
    }
    if (`${parsed.data.id}.json` !== name) {
      this.log.error(
        { file: path, id: parsed.data.id },
        'VM definition skipped: its id is not its file name',
      );
      return null;
    }
    return parsed.data;
  }
}

/** The rename is durable once the directory is synced. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
