/**
 * A choice of one image from the storage locations, by `STORAGE:FILE` reference, grouped by location. Files
 * another VM uses are marked so (the bridge still decides: an ISO may be shared, a disk may not).
 */
import type { StorageFile } from '@qmpdeck/protocol';
import { formatBytes } from '../../info/info-format.ts';
import type { StorageImages } from './useStorageImages.ts';

export function ImagePicker({
  label,
  images,
  value,
  onChange,
  disabled,
}: {
  label: string;
  images: StorageImages;
  value: string;
  onChange: (ref: string) => void;
  disabled: boolean;
}) {
  const byStorage = new Map<string, StorageFile[]>();
  for (const image of images.images)
    byStorage.set(image.storage, [...(byStorage.get(image.storage) ?? []), image]);
  const empty = images.none
    ? 'no storage location holds these'
    : images.loading
      ? 'loading…'
      : 'choose an image';
  return (
    <select
      aria-label={label}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value)}
      onFocus={images.refresh}
      className="max-w-64 rounded-md bg-white px-1.5 py-0.5 text-xs ring-1 ring-inset ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
    >
      <option value="">{empty}</option>
      {[...byStorage].map(([storage, files]) => (
        <optgroup key={storage} label={storage}>
          {files.map((file) => (
            <option key={file.ref} value={file.ref}>
              {`${file.name} (${formatBytes(file.size)}${file.usedBy.length > 0 ? `, used by ${file.usedBy.join(', ')}` : ''})`}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
