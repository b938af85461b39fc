/**
 * Home labs start QEMU from scripts and systemd units: this watches directories
 * for QMP sockets and adds a VM for each one that appears (id from the file
 * name), marks it `gone` when the socket disappears and revives it when it comes
 * back. fs.watch gives promptness; a periodic rescan gives certainty, because
 * watch events can be missed or coalesced.
 */
import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { DiscoverConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { globToRegExp, vmIdFromFileName } from './glob.ts';

const RESCAN_MS = 1000;

export interface DiscoveryHooks {
  create(id: string, socketPath: string): VmSupervisor;
  added(vm: VmSupervisor): void;
}

export class DiscoveryWatcher {
  readonly #watchers: FSWatcher[] = [];
  /** id -> socket path, for VMs this watcher added. */
  readonly #found = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly dirs: readonly DiscoverConfig[],
    readonly registry: VmRegistry,
    readonly log: Logger,
    readonly hooks: DiscoveryHooks,
  ) {}

  start(): void {
    if (this.dirs.length === 0) return;
    for (const entry of this.dirs) {
      try {
        this.#watchers.push(watch(entry.dir, () => this.scan()));
      } catch (err) {
        this.log.warn({ dir: entry.dir, err }, 'cannot watch discovery directory; rescanning only');
      }
    }
    this.scan();
    this.#timer = setInterval(() => this.scan(), RESCAN_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers.length = 0;
  }

  scan(): void {
    const present = new Map<string, string>();
    for (const entry of this.dirs) {
      const pattern = globToRegExp(entry.pattern);
      for (const name of listDir(entry.dir)) {
        if (!pattern.test(name)) continue;
        const path = join(entry.dir, name);
        if (isSocket(path)) present.set(vmIdFromFileName(name), path);
      }
    }
    for (const [id, path] of present) this.#appeared(id, path);
    for (const id of this.#found.keys()) {
      if (!present.has(id)) this.#disappeared(id);
    }
  }

  #appeared(id: string, path: string): void {
    const known = this.#found.get(id);
    if (known === undefined) {
      if (this.registry.has(id)) {
        this.log.warn({ id, path }, 'discovered socket has the id of a configured VM; ignored');
        return;
      }
      const vm = this.hooks.create(id, path);
      this.registry.add(vm);
      this.#found.set(id, path);
      this.log.info({ id, path }, 'VM discovered');
      this.hooks.added(vm);
      void vm.start();
      return;
    }
    const vm = this.registry.get(id);
    if (vm?.connection === 'gone') {
      this.log.info({ id, path }, 'discovered VM is back');
      vm.revive();
    }
  }

  #disappeared(id: string): void {
    const vm = this.registry.get(id);
    if (!vm || vm.connection === 'gone') return;
    this.log.info({ id }, 'discovered VM is gone');
    void vm.markGone();
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}
