/**
 * Hot-plugs an image from a storage location as a virtio disk (the bridge's `device.disk-add`), where the machine
 * has room for one; it then shows among the drives, with its own Unplug.
 */
import type { Hotplug } from '@qmpdeck/protocol';
import { useState } from 'react';
import { addDisk } from '../../../api/hardware.ts';
import { Button } from '../../../ui/Button.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { ActionOutcome } from './ActionOutcome.tsx';
import { ImagePicker } from './ImagePicker.tsx';
import { useHardwareAction } from './useHardwareAction.ts';
import { useStorageImages } from './useStorageImages.ts';

const DISK_CONTENT = ['disk'] as const;

export function AddDiskForm({
  vmId,
  hotplug,
  disabled,
}: {
  vmId: string;
  hotplug: Hotplug;
  disabled: boolean;
}) {
  const [image, setImage] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const permission = usePermission()('device.disk-add');
  const images = useStorageImages(DISK_CONTENT);
  const add = useHardwareAction(vmId, (ref: string) =>
    addDisk(vmId, { image: ref, readOnly, origin: 'Hardware tab' }),
  );
  return (
    <form
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        if (image !== '') add.mutate(image, { onSuccess: () => setImage('') });
      }}
    >
      <ImagePicker
        label="Disk image to add"
        images={images}
        value={image}
        onChange={setImage}
        disabled={disabled || permission.reason !== null}
      />
      <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
        <input type="checkbox" checked={readOnly} onChange={(event) => setReadOnly(event.target.checked)} />
        read-only
      </label>
      <Button
        type="submit"
        size="small"
        deniedReason={permission.reason}
        disabled={disabled || !hotplug.possible || image === '' || add.isPending}
      >
        Add disk
      </Button>
      {!hotplug.possible && <span className="text-xs text-zinc-500">{hotplug.note}</span>}
      <ActionOutcome pending={add.isPending} waiting="adding…" error={add.error} />
      {images.error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {images.error.class}: {images.error.desc}
        </span>
      )}
    </form>
  );
}
