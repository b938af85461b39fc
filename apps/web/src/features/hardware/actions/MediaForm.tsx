/**
 * Puts an image from a storage location in a CD-ROM or floppy drive (the bridge's `device.media`): "Insert" when
 * the drive is empty, "Change medium" when it holds one. The tray and the medium then show as QEMU reports them
 * (its DEVICE_TRAY_MOVED events refresh the tab).
 */
import type { HardwareDisk } from '@qmpdeck/protocol';
import { useState } from 'react';
import { changeMedia } from '../../../api/hardware.ts';
import { Button } from '../../../ui/Button.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { ActionOutcome } from './ActionOutcome.tsx';
import { ImagePicker } from './ImagePicker.tsx';
import { useHardwareAction } from './useHardwareAction.ts';
import { useStorageImages } from './useStorageImages.ts';

const CDROM_CONTENT = ['iso'] as const;
/** A floppy takes a disk location's image too (a raw or qcow2 floppy image). */
const FLOPPY_CONTENT = ['iso', 'disk'] as const;

export function MediaForm({ vmId, disk, disabled }: { vmId: string; disk: HardwareDisk; disabled: boolean }) {
  const [image, setImage] = useState('');
  const permission = usePermission()('device.media');
  const images = useStorageImages(disk.kind === 'floppy' ? FLOPPY_CONTENT : CDROM_CONTENT);
  const change = useHardwareAction(vmId, (ref: string) =>
    changeMedia(vmId, { drive: disk.drive, image: ref, origin: 'Hardware tab' }),
  );
  const verb = disk.medium === null ? 'Insert' : 'Change medium';
  return (
    <form
      className="flex flex-wrap items-center gap-1.5"
      onSubmit={(event) => {
        event.preventDefault();
        if (image !== '') change.mutate(image);
      }}
    >
      <ImagePicker
        label={`Image for ${disk.drive}`}
        images={images}
        value={image}
        onChange={setImage}
        disabled={disabled || permission.reason !== null}
      />
      <Button
        type="submit"
        size="small"
        deniedReason={permission.reason}
        disabled={disabled || image === '' || change.isPending}
        aria-label={`${verb} ${disk.drive}`}
      >
        {verb}
      </Button>
      <ActionOutcome pending={change.isPending} waiting="changing the medium…" error={change.error} />
      {images.error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {images.error.class}: {images.error.desc}
        </span>
      )}
    </form>
  );
}
