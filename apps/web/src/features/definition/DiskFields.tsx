/**
 * The VM's disks: each a new qcow2 of a size (made by the bridge with qemu-img when the VM is created, in the
 * chosen storage location) or an existing image from a location that holds disks. An image another VM uses is
 * offered but cannot be chosen: the bridge gives a disk to one VM only.
 */
import type { StorageFile } from '@qmpdeck/protocol';
import { Button } from '../../ui/Button.tsx';
import { formatBytes } from '../../ui/bytes.ts';
import { isDiskImage, usedByOthers } from '../storage/storage-files.ts';
import { useStoredFiles } from '../storage/useStorage.ts';
import { type DiskBus, type DiskDraft, newDiskDraft } from './definition-draft.ts';
import { FormField, FormSection, INPUT } from './FormField.tsx';
import type { FormPartProps } from './form-part.ts';
import { removeAt, replaceAt } from './list-update.ts';

const BUSES: { value: DiskBus; label: string }[] = [
  { value: 'virtio', label: 'VirtIO (fastest; Linux, Windows with drivers)' },
  { value: 'scsi', label: 'VirtIO SCSI' },
  { value: 'sata', label: 'SATA' },
  { value: 'ide', label: 'IDE (oldest guests)' },
];

function imageLabel(file: StorageFile, vmId: string | null): string {
  const others = usedByOthers(file, vmId);
  const size = formatBytes(file.virtualSize ?? file.size);
  return `${file.name} (${[file.format, size].filter(Boolean).join(', ')})${others.length ? ` — used by ${others.join(', ')}` : ''}`;
}

export function DiskFields({ draft, change, errors, locked, vmId }: FormPartProps) {
  const disks = useStoredFiles('disk');
  const images = disks.files.filter(isDiskImage);
  const lock = locked('disks');
  const setDisk = (index: number, update: Partial<DiskDraft>) =>
    change((d) => ({ ...d, disks: replaceAt(d.disks, index, update) }));
  return (
    <FormSection legend="Disks" locked={lock}>
      {draft.disks.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">No disk.</p>}
      {errors.fields.disks && <p className="text-xs text-red-700 dark:text-red-400">{errors.fields.disks}</p>}
      {draft.disks.map((disk, index) => {
        const key = `disks.${index}`;
        const sourceName = `${key}-source`;
        return (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: disks have no identity but their place
            key={index}
            className="flex flex-col gap-2 rounded-md bg-zinc-50 p-2 dark:bg-zinc-900/50"
            data-testid="disk-draft"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-sm font-medium">Disk {index + 1}</span>
              <div role="radiogroup" aria-label={`Disk ${index + 1} source`} className="flex gap-3 text-sm">
                {(['new', 'existing'] as const).map((source) => (
                  <label key={source} className="flex items-center gap-1">
                    <input
                      type="radio"
                      name={sourceName}
                      checked={disk.source === source}
                      disabled={Boolean(lock)}
                      onChange={() => setDisk(index, { source })}
                    />
                    {source === 'new' ? 'New disk' : 'Existing image'}
                  </label>
                ))}
              </div>
              <Button
                size="small"
                intent="quiet"
                disabled={Boolean(lock)}
                onClick={() => change((d) => ({ ...d, disks: removeAt(d.disks, index) }))}
              >
                Remove disk {index + 1}
              </Button>
            </div>
            {errors.fields[key] && (
              <p className="text-xs text-red-700 dark:text-red-400">{errors.fields[key]}</p>
            )}
            <div className="flex flex-wrap gap-3">
              {disk.source === 'new' ? (
                <>
                  <FormField
                    fieldKey={`${key}.size`}
                    label="Size"
                    hint="As qemu-img reads it: 512M, 16G, 1.5T"
                    error={errors.fields[`${key}.size`]}
                    locked={lock}
                  >
                    {(control) => (
                      <input
                        {...control}
                        value={disk.size}
                        onChange={(event) => setDisk(index, { size: event.target.value })}
                        className={`${INPUT} w-28`}
                      />
                    )}
                  </FormField>
                  <FormField
                    fieldKey={`${key}.storage`}
                    label="Storage"
                    error={errors.fields[`${key}.storage`]}
                    locked={lock}
                  >
                    {(control) => (
                      <select
                        {...control}
                        value={disk.storage}
                        onChange={(event) => setDisk(index, { storage: event.target.value })}
                        className={INPUT}
                      >
                        <option value="">
                          {disks.locations[0] ? `Default (${disks.locations[0].id})` : 'Default'}
                        </option>
                        {disks.locations.map((location) => (
                          <option key={location.id} value={location.id}>
                            {location.id}
                            {location.free === null ? '' : ` (${formatBytes(location.free)} free)`}
                          </option>
                        ))}
                      </select>
                    )}
                  </FormField>
                </>
              ) : (
                <FormField
                  fieldKey={`${key}.image`}
                  label="Image"
                  error={errors.fields[`${key}.image`]}
                  locked={lock}
                  className="min-w-64 flex-1"
                >
                  {(control) => (
                    <select
                      {...control}
                      value={disk.image}
                      onChange={(event) => setDisk(index, { image: event.target.value })}
                      className={INPUT}
                    >
                      <option value="">Choose an image…</option>
                      {disk.image && !images.some((file) => file.ref === disk.image) && (
                        <option value={disk.image}>{disk.image}</option>
                      )}
                      {images.map((file) => (
                        <option
                          key={file.ref}
                          value={file.ref}
                          disabled={usedByOthers(file, vmId).length > 0}
                        >
                          {file.storage}: {imageLabel(file, vmId)}
                        </option>
                      ))}
                    </select>
                  )}
                </FormField>
              )}
              <FormField
                fieldKey={`${key}.bus`}
                label="Bus"
                error={errors.fields[`${key}.bus`]}
                locked={lock}
              >
                {(control) => (
                  <select
                    {...control}
                    value={disk.bus}
                    onChange={(event) => setDisk(index, { bus: event.target.value as DiskBus })}
                    className={INPUT}
                  >
                    {BUSES.map((bus) => (
                      <option key={bus.value} value={bus.value}>
                        {bus.label}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            </div>
          </div>
        );
      })}
      <div>
        <Button
          size="compact"
          disabled={Boolean(lock)}
          onClick={() => change((d) => ({ ...d, disks: [...d.disks, newDiskDraft()] }))}
        >
          Add disk
        </Button>
      </div>
    </FormSection>
  );
}
