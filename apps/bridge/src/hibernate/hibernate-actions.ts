/**
 * Hibernate and Start (restore), for managed VMs. QEMU 7.2 has no `file:` migration and `exec:` would run a
 * shell, so the bridge carries the stream itself:
 *
 * - `vm.hibernate` (a job): the bridge listens on a unix socket in the VM's runtime directory and writes what
 *   comes to the state file; QEMU `migrate`s to that socket (MIGRATION events on; progress from query-migrate),
 *   then quits. The VM says `hibernated: true`. A cancel (`migrate_cancel`) leaves the VM running and no file.
 * - `vm.start` of a hibernated VM (a job, awaited: Start answers the VM once it runs again): QEMU starts with
 *   `-S -incoming defer`, listens (`migrate-incoming` to a unix socket), the bridge feeds it the file (progress in
 *   bytes), then `cont`; the file is removed. A QEMU that cannot load the state exits; the file is kept.
 *   Any other start is the ordinary one.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import { type BridgeActionRunners, LIFECYCLE_RUNNERS } from '../commands/bridge-actions.ts';
import type { StorageConfig } from '../config/schema.ts';
import { enableMigrationEvents, followMigration } from '../jobs/follow-migration.ts';
import type { JobProgress } from '../jobs/job-registry.ts';
import type { QemuJobLink } from '../jobs/qemu-job-link.ts';
import type { VmJobActions } from '../jobs/vm-job-actions.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { hibernationPath, isHibernated } from './hibernation-file.ts';
import { sendStateFile } from './send-state-file.ts';

/** How long QEMU may take to exit after `quit`, or to run again after `cont`. */
const QEMU_STEP_MS = 10_000;
/** QEMU exits at once when it cannot load a state; a failure with QEMU still there is not kept waiting long. */
const EXIT_AFTER_FAILED_LOAD_MS = 3_000;

export function hibernateRunners(
  actions: VmJobActions,
  storage: readonly StorageConfig[],
): BridgeActionRunners {
  return {
    'vm.hibernate': async (vm, request) => {
      const process = requireManaged(vm);
      if (vm.connection !== 'connected' || !process.running) {
        throw new BridgeError(
          BridgeErrorClass.Conflict,
          `VM "${vm.id}" is not running: nothing to hibernate`,
          409,
        );
      }
      const statePath = hibernationPath(storage, vm.id);
      return actions.start(
        vm,
        request,
        { kind: 'hibernate', description: `Hibernate ${vm.id}: its state to a file, then QEMU stops` },
        async (link, progress, signal) => {
          await saveState(link, progress, signal, join(process.dir, 'hibernate.sock'), statePath);
          vm.markHibernated(true);
          // QEMU may close the monitor before it answers `quit`: its exit is what counts.
          await link.send('quit').catch(() => {});
          if (!(await process.exitedWithin(QEMU_STEP_MS))) await process.kill('SIGKILL');
        },
      ).job;
    },
    'vm.start': async (vm, request) => {
      const start = LIFECYCLE_RUNNERS['vm.start'] as NonNullable<(typeof LIFECYCLE_RUNNERS)['vm.start']>;
      if (!isHibernated(storage, vm.id) || vm.process?.running) return start(vm, request);
      const process = requireManaged(vm);
      const statePath = hibernationPath(storage, vm.id);
      const { done } = actions.start(
        vm,
        request,
        {
          kind: 'hibernate-restore',
          description: `Start ${vm.id} from its hibernated state`,
          cancellable: false,
        },
        async (link, progress) => {
          await vm.startProcess(['-S', '-incoming', 'defer']);
          if (vm.connection !== 'connected')
            throw new BridgeError(BridgeErrorClass.Conflict, vm.message ?? 'QEMU did not start', 409);
          try {
            await loadState(link, progress, join(process.dir, 'incoming.sock'), statePath);
          } catch (error) {
            // A state QEMU cannot load makes it exit (the file is kept): its own words say why, not the lost link.
            if (await process.exitedWithin(EXIT_AFTER_FAILED_LOAD_MS)) {
              throw new BridgeError(
                BridgeErrorClass.Conflict,
                vm.message ?? 'QEMU exited while loading',
                409,
              );
            }
            throw error;
          }
          await link.send('cont');
          rmSync(statePath, { force: true });
          vm.markHibernated(false);
          // The run state follows RESUME, which comes just after `cont`'s answer: Start answers a running VM.
          await until(() => vm.status === 'running', QEMU_STEP_MS);
        },
      );
      const final = await done;
      if (final.status !== 'done')
        throw new BridgeError(
          BridgeErrorClass.Conflict,
          `the restore failed: ${final.error ?? final.status}`,
          409,
        );
      return vm.snapshot();
    },
  };
}

function requireManaged(vm: VmSupervisor) {
  if (!vm.process)
    throw new BridgeError(BridgeErrorClass.NotManaged, `VM "${vm.id}" is not launched by the bridge`, 409);
  return vm.process;
}

/** QEMU migrates to a socket the bridge listens on; the bridge writes the stream to `statePath`. */
async function saveState(
  link: QemuJobLink,
  progress: JobProgress,
  signal: AbortSignal,
  socketPath: string,
  statePath: string,
): Promise<void> {
  const partial = `${statePath}.partial`;
  rmSync(socketPath, { force: true });
  const server = createServer();
  const received = new Promise<void>((resolve, reject) => {
    server.once('connection', (socket: Socket) => {
      server.close();
      pipeline(socket, createWriteStream(partial)).then(resolve, reject);
    });
    server.once('error', reject);
  });
  await listen(server, socketPath);
  let saved = false;
  try {
    await enableMigrationEvents(link);
    await link.send('migrate', { uri: `unix:${socketPath}` });
    await followMigration(link, progress, signal);
    await received;
    renameSync(partial, statePath);
    saved = true;
  } finally {
    server.close();
    rmSync(socketPath, { force: true });
    if (!saved) rmSync(partial, { force: true });
  }
}

/** QEMU listens for the incoming state; the bridge feeds it the file, then QEMU says whether it loaded. */
async function loadState(
  link: QemuJobLink,
  progress: JobProgress,
  socketPath: string,
  statePath: string,
): Promise<void> {
  rmSync(socketPath, { force: true });
  await enableMigrationEvents(link);
  await link.send('migrate-incoming', { uri: `unix:${socketPath}` });
  await sendStateFile(socketPath, statePath, (sent, size) => progress.progress(sent, size));
  await followMigration(link, null, null);
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
