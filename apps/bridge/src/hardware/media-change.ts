/**
 * `device.media` (`POST /api/vms/:id/media` { drive, image: "STORAGE:FILE" | null }): a CD-ROM or floppy gets an
 * image from a storage location, or is emptied. The browser never gives a path: the reference is resolved inside
 * its location (a name with `..`, a symlink out, a file that is not there: refused before QEMU is asked anything),
 * and the image must not be another VM's disk or open for writing there (409 `InUse`).
 *
 * QEMU's part runs as the caller's own commands through the pipeline (`blockdev-change-medium`, or `eject`), so
 * they are authorized and audited as theirs and named as the cause of the tray's `DEVICE_TRAY_MOVED` events.
 * A CD-ROM takes images of a location holding `iso` (read-only, raw); a floppy also takes a `disk` location's image
 * (raw, or qcow2 as qemu-img reads it), writable like a disk and so one VM's only.
 */
import { BridgeErrorClass, type MediaChange, MediaRequest } from '@qmpdeck/protocol';
import type { Principal } from '../auth/principal.ts';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { Images } from '../definitions/images.ts';
import { parseImageRef } from '../storage/storage-locations.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { liveClient, parseArgs } from './device-actions.ts';
import { type BlockInfo, deviceId, devicePath } from './disks.ts';
import { claimImage } from './image-claim.ts';

const QUERY_TIMEOUT_MS = 5_000;
const MediaArgs = MediaRequest.omit({ origin: true });

export interface MediaDeps {
  images: Images;
  /** The command pipeline: QEMU's steps run as the caller. */
  run(request: CommandRequest): Promise<unknown>;
}

/** How QEMU's media commands name a drive: its block backend (`device`) or its device's id (`id`). */
type DriveSelector = { device: string } | { id: string };

export async function changeMedia(
  deps: MediaDeps,
  vm: VmSupervisor,
  request: CommandRequest,
): Promise<MediaChange> {
  const { drive, image } = parseArgs(MediaArgs, request.arguments ?? {}, 'device.media');
  const client = liveClient(vm);
  const blocks = await client.execute('query-block', undefined, { timeoutMs: QUERY_TIMEOUT_MS });
  const found = findDrive(blocks, drive);
  if (found === null)
    throw new BridgeError(BridgeErrorClass.NotFound, `VM "${vm.id}" has no drive "${drive}"`, 404);
  // A backend with no device says it is removable too; only a CD-ROM or floppy device takes media.
  const model = await modelOf(client, found.block);
  const floppy = model === 'floppy';
  if (!found.block.removable || !(floppy || model?.endsWith('-cd'))) {
    throw badRequest(
      `drive: "${drive}" is not a removable drive (only a CD-ROM or floppy takes media; it is ${model ?? 'a drive without a device'})`,
    );
  }
  const common = { vm: vm.id, target: 'qmp' as const, actor: request.actor, principal: request.principal };
  if (image === null) {
    await deps.run({ ...common, command: 'eject', arguments: { ...found.selector, force: true } });
    return { drive, image: null };
  }
  const medium = await resolveMedium(deps.images, image, floppy, vm.id, request.principal);
  await deps.run({
    ...common,
    command: 'blockdev-change-medium',
    arguments: {
      ...found.selector,
      filename: medium.path,
      format: medium.format,
      'read-only-mode': medium.readOnly ? 'read-only' : 'read-write',
    },
  });
  return { drive, image };
}

/** The drive the hardware list names `drive`: by its block backend's name, else by its device's id. */
export function findDrive(
  blocks: readonly BlockInfo[],
  drive: string,
): { block: BlockInfo; selector: DriveSelector } | null {
  const byBackend = blocks.find((block) => block.device !== '' && block.device === drive);
  if (byBackend) return { block: byBackend, selector: { device: drive } };
  const byId = blocks.find((block) => block.qdev !== undefined && deviceId(block.qdev) === drive);
  return byId ? { block: byId, selector: { id: drive } } : null;
}

async function modelOf(client: ReturnType<typeof liveClient>, block: BlockInfo): Promise<string | null> {
  if (block.qdev === undefined) return null;
  const type = await client.execute(
    'qom-get',
    { path: devicePath(block.qdev), property: 'type' },
    { timeoutMs: QUERY_TIMEOUT_MS },
  );
  return typeof type === 'string' ? type : null;
}

interface Medium {
  path: string;
  format: 'raw' | 'qcow2';
  readOnly: boolean;
}

/** The image's real path inside its location, its format and how it is opened; refusals name `image`. */
async function resolveMedium(
  images: Images,
  ref: string,
  floppy: boolean,
  vm: string,
  principal: Principal,
): Promise<Medium> {
  const { storage } = parseImageRef(ref);
  const holdsIso = images.locations.all().some((l) => l.id === storage && l.content.includes('iso'));
  if (floppy && !holdsIso) {
    // A floppy image from a disk location is written to, like a disk: one VM's only.
    const disk = await images.disk(ref, undefined, 'image');
    await claimImage(images, principal, { path: disk.path, as: 'disk', vm, ref });
    return { ...disk, readOnly: false };
  }
  const path = images.path(ref, 'iso', 'image');
  await claimImage(images, principal, { path, as: 'cdrom', vm, ref });
  return { path, format: 'raw', readOnly: true };
}
