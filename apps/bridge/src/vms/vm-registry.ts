/**
 * Every VM the bridge knows, by id: those from the config and those discovery
 * finds. Also caches each QEMU version's `query-qmp-schema` (186 KB, the same for
 * every VM of one version).
 */
import { BridgeErrorClass, type Vm } from '@qmpdeck/protocol';
import { BridgeError, vmNotFound } from '../bridge-error.ts';
import type { VmSupervisor } from './vm-supervisor.ts';

export interface RegistryListener {
  added(vm: VmSupervisor): void;
  removed(vm: VmSupervisor): void;
}

export class VmRegistry {
  readonly #vms = new Map<string, VmSupervisor>();
  readonly #schemas = new Map<string, Promise<unknown>>();
  readonly #listeners = new Set<RegistryListener>();

  add(vm: VmSupervisor): void {
    if (this.#vms.has(vm.id)) throw new Error(`VM id "${vm.id}" is already registered`);
    this.#vms.set(vm.id, vm);
    for (const listener of this.#listeners) listener.added(vm);
  }

  remove(id: string): VmSupervisor | undefined {
    const vm = this.#vms.get(id);
    this.#vms.delete(id);
    if (vm) for (const listener of this.#listeners) listener.removed(vm);
    return vm;
  }

  /** Told of every VM added or removed from now on (what serves each VM, e.g. its QMP endpoint, follows it). */
  listen(listener: RegistryListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  has(id: string): boolean {
    return this.#vms.has(id);
  }

  get(id: string): VmSupervisor | undefined {
    return this.#vms.get(id);
  }

  /** The VM, or a 404 `VmNotFound`. */
  require(id: string): VmSupervisor {
    const vm = this.#vms.get(id);
    if (!vm) throw vmNotFound(id);
    return vm;
  }

  all(): VmSupervisor[] {
    return [...this.#vms.values()];
  }

  snapshots(): Vm[] {
    return this.all().map((vm) => vm.snapshot());
  }

  /**
   * The VM's QAPI schema, fetched once per QEMU version (186 KB, the same for every VM of one version): `fetch`
   * runs `query-qmp-schema` through the command pipeline on a miss; a hit does not reach the VM.
   */
  async schema(vm: VmSupervisor, fetch: () => Promise<unknown>): Promise<unknown> {
    const version = vm.qemu;
    if (!version || vm.connection !== 'connected') {
      throw new BridgeError(
        BridgeErrorClass.VmNotConnected,
        `VM "${vm.id}" is not connected (${vm.connection})`,
        503,
      );
    }
    const key = `${version.major}.${version.minor}.${version.micro} ${version.package}`;
    let schema = this.#schemas.get(key);
    if (!schema) {
      schema = fetch();
      this.#schemas.set(key, schema);
      // A failed fetch must not stay cached.
      schema.catch(() => this.#schemas.delete(key));
    }
    return schema;
  }
}
