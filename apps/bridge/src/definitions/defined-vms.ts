/**
 * The VMs the bridge owns by definition: each definition (its file in the data directory) and its VmSupervisor
 * (origin `defined`, a managed QEMU whose argv is planned from the definition at every start). Ids being created
 * or cloned are reserved here, so no second VM takes one meanwhile. The operations (create, update, clone,
 * delete) are in files of their own; this is the state they share.
 */
import { BridgeErrorClass, type VmDefinition } from '@qmpdeck/protocol';
import type { Principal } from '../auth/principal.ts';
import { principalSees } from '../auth/principal.ts';
import { BridgeError, forbidden, vmNotFound } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { JobRegistry } from '../jobs/job-registry.ts';
import { DEFAULT_QEMU_BINARY, type Launcher } from '../launch/launcher.ts';
import { removeRuntimeDir } from '../launch/runtime-dir.ts';
import type { RuntimeRoot } from '../launch/runtime-lock.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { AcceleratorChoice } from './accelerators.ts';
import type { DefinitionStore } from './definition-store.ts';
import { definitionToArgv } from './definition-to-argv.ts';
import { type UefiFiles, uefiFirmware } from './firmware.ts';
import type { Images } from './images.ts';

export interface SuperviseOptions {
  id: string;
  name: string;
  launcher: Launcher;
  autostart: boolean;
  guestAgent: boolean;
}

export interface DefinedVmsDeps {
  store: DefinitionStore;
  images: Images;
  jobs: JobRegistry;
  registry: VmRegistry;
  uefi: UefiFiles;
  /** From the config; null: KVM when /dev/kvm opens, then TCG. */
  accelerators: readonly string[] | null;
  runtime: RuntimeRoot;
  log: Logger;
  /** A supervisor with the server's common options (store, hub, timeouts), origin `defined`. */
  supervise(options: SuperviseOptions): VmSupervisor;
  /** Tells every client that may see it that the VM left the list. */
  publishRemoved(id: string): void;
  /** The command pipeline, for the QMP commands a change makes on a running VM (its CD-ROM media). */
  run(request: CommandRequest): Promise<unknown>;
}

export const vmExists = (id: string, origin: string): BridgeError =>
  new BridgeError(BridgeErrorClass.VmExists, `a VM with id "${id}" exists already (${origin})`, 409);

export const vmRunning = (desc: string): BridgeError =>
  new BridgeError(BridgeErrorClass.VmRunning, desc, 409);

export class DefinedVms {
  readonly #definitions = new Map<string, VmDefinition>();
  readonly #reserved = new Set<string>();

  readonly #accelerators: AcceleratorChoice;

  constructor(readonly deps: DefinedVmsDeps) {
    this.#accelerators = new AcceleratorChoice(DEFAULT_QEMU_BINARY, deps.log);
  }

  all(): VmDefinition[] {
    return [...this.#definitions.values()];
  }

  get(id: string): VmDefinition | undefined {
    return this.#definitions.get(id);
  }

  /** The definition of a VM the bridge owns; 409 NotDefined for one from the config file or discovery. */
  require(vm: VmSupervisor): VmDefinition {
    const definition = this.#definitions.get(vm.id);
    if (definition === undefined) {
      const where =
        vm.options.origin === 'discovered'
          ? 'was discovered from its QMP socket'
          : 'comes from the config file';
      throw new BridgeError(
        BridgeErrorClass.NotDefined,
        `VM "${vm.id}" ${where}: the bridge has no definition of it (change it where it is described)`,
        409,
      );
    }
    return definition;
  }

  /** At bridge start: a supervisor per stored definition; an id a config VM has already is skipped, loudly. */
  load(): void {
    for (const definition of this.deps.store.load()) {
      if (this.deps.registry.has(definition.id)) {
        this.deps.log.error(
          { vm: definition.id, file: this.deps.store.pathOf(definition.id) },
          'VM definition skipped: the config file has a VM with this id',
        );
        continue;
      }
      this.deps.runtime.claim();
      this.#register(definition);
    }
  }

  /**
   * Holds `id` for a VM about to be made: 409 VmExists when any VM (config, discovered, defined, or one being
   * made) has it; 403 when it is outside the caller's VM scope. Answers the release.
   */
  reserve(id: string, principal: Principal): () => void {
    if (!principalSees(principal, id)) throw forbidden(`the VM id "${id}" is outside your VM scope`);
    const existing = this.deps.registry.get(id);
    if (existing) throw vmExists(id, originWords(existing.options.origin));
    if (this.#reserved.has(id)) throw vmExists(id, 'being made now');
    this.#reserved.add(id);
    return () => this.#reserved.delete(id);
  }

  /** Stores a new VM's definition and lists it (stopped); `hold`: why it may not start yet. */
  add(definition: VmDefinition, hold: string | null = null): VmSupervisor {
    this.deps.runtime.claim();
    if (hold === null) this.deps.store.save(definition);
    const vm = this.#register(definition, hold);
    // Added while the bridge runs: watched (its guest link, its pushes), not started.
    vm.watch();
    return vm;
  }

  /** Stores a changed definition, shows its name and autostart at once. */
  save(definition: VmDefinition): void {
    this.deps.store.save(definition);
    const before = this.#definitions.get(definition.id);
    this.#definitions.set(definition.id, definition);
    const vm = this.deps.registry.get(definition.id);
    if (!vm) return;
    if (before !== undefined && before.guestAgent !== definition.guestAgent) {
      // The agent's link is part of the supervisor: a stopped VM gets a new one, with or without it.
      void this.#replace(vm, definition);
      return;
    }
    vm.describe({ name: definition.name, autostart: definition.autostart });
  }

  /** Removes the VM: its definition file and UEFI variables, its supervisor, its place in every client's list. */
  async forget(id: string, keepFile = false): Promise<void> {
    if (!keepFile) this.deps.store.remove(id);
    this.#definitions.delete(id);
    const vm = this.deps.registry.remove(id);
    if (vm) {
      await vm.stop();
      if (vm.process) removeRuntimeDir(vm.process.dir);
    }
    this.deps.publishRemoved(id);
  }

  #register(definition: VmDefinition, hold: string | null = null): VmSupervisor {
    this.#definitions.set(definition.id, definition);
    const vm = this.deps.supervise({
      id: definition.id,
      name: definition.name,
      launcher: this.#launcher(definition.id),
      autostart: definition.autostart,
      guestAgent: definition.guestAgent,
    });
    if (hold !== null) vm.hold(hold);
    this.deps.registry.add(vm);
    return vm;
  }

  async #replace(old: VmSupervisor, definition: VmDefinition): Promise<void> {
    this.deps.registry.remove(old.id);
    await old.stop();
    this.#register(definition).watch();
  }

  /** The argv of the next start, from the definition as it is then, its files resolved and checked. */
  #launcher(id: string): Launcher {
    return {
      plan: async (dir) => {
        const definition = this.#definitions.get(id);
        if (definition === undefined) throw vmNotFound(id);
        const { images } = this.deps;
        const disks = [];
        for (const [index, disk] of definition.disks.entries()) {
          if (disk.image === undefined)
            throw new Error(`disks[${index}]: a stored definition names its image`);
          disks.push(await images.disk(disk.image, disk.format, `disks[${index}]`));
        }
        const cdroms = definition.cdroms.map((cdrom, index) =>
          cdrom.image === undefined ? null : images.path(cdrom.image, 'iso', `cdroms[${index}]`),
        );
        const firmware =
          definition.firmware === 'uefi' ? uefiFirmware(this.deps.uefi, this.deps.store.varsPath(id)) : null;
        return {
          binary: DEFAULT_QEMU_BINARY,
          args: definitionToArgv(definition, {
            runtimeDir: dir,
            disks,
            cdroms,
            firmware,
            accelerators: this.deps.accelerators
              ? [...this.deps.accelerators]
              : await this.#accelerators.for(definition.machine, definition.cpuModel),
          }),
        };
      },
    };
  }
}

function originWords(origin: string): string {
  if (origin === 'config') return 'from the config file';
  if (origin === 'discovered') return 'discovered from its QMP socket';
  return 'defined in the dashboard';
}
