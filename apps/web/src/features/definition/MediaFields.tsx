/**
 * CD-ROM drives and the ISO in each: for a new VM, the one installer ISO (with an upload right there); for an
 * edit, every drive, whose media can change even while the VM runs. ISOs come from the storage locations that
 * hold `iso` content.
 */
import type { StorageFile } from '@qmpdeck/protocol';
import { useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { formatBytes } from '../../ui/bytes.ts';
import { usePermission } from '../session/usePermission.ts';
import { isMedia } from '../storage/storage-files.ts';
import { UploadPanel } from '../storage/UploadPanel.tsx';
import { useStoredFiles } from '../storage/useStorage.ts';
import { type ControlProps, FormField, FormSection, INPUT } from './FormField.tsx';
import type { FormPartProps } from './form-part.ts';
import { removeAt, replaceAt } from './list-update.ts';

function byStorage(files: readonly StorageFile[]): Map<string, StorageFile[]> {
  const groups = new Map<string, StorageFile[]>();
  for (const file of files) groups.set(file.storage, [...(groups.get(file.storage) ?? []), file]);
  return groups;
}

interface IsoSelectProps {
  value: string;
  files: readonly StorageFile[];
  onChange(ref: string): void;
  control: ControlProps;
}

function IsoSelect({ value, files, onChange, control }: IsoSelectProps) {
  const listed = files.some((file) => file.ref === value);
  return (
    <select {...control} value={value} onChange={(event) => onChange(event.target.value)} className={INPUT}>
      <option value="">No media (empty drive)</option>
      {/* A named ISO that is not listed (deleted, or just uploaded and not fetched yet) stays chosen. */}
      {value && !listed && <option value={value}>{value}</option>}
      {[...byStorage(files)].map(([storage, inStorage]) => (
        <optgroup key={storage} label={storage}>
          {inStorage.map((file) => (
            <option key={file.ref} value={file.ref}>
              {file.name} ({formatBytes(file.size)})
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

export function MediaFields({ draft, change, errors, locked, vmId }: FormPartProps) {
  const can = usePermission();
  const isos = useStoredFiles('iso');
  const media = isos.files.filter(isMedia);
  const [uploading, setUploading] = useState<number | null>(null);
  const creating = vmId === null;
  const setImage = (index: number, image: string) =>
    change((d) =>
      d.cdroms.length > index
        ? { ...d, cdroms: replaceAt(d.cdroms, index, { image }) }
        : { ...d, cdroms: [...d.cdroms, { image, kept: null }] },
    );
  // A new VM always shows its one drive, even when the person removed every drive before.
  const drives = creating && draft.cdroms.length === 0 ? [{ image: '', kept: null }] : draft.cdroms;
  return (
    <FormSection legend={creating ? 'Installation media' : 'CD-ROM drives'}>
      {isos.error && <p className="text-xs text-red-700 dark:text-red-400">Cannot list ISOs: {isos.error}</p>}
      {!isos.isPending && isos.locations.length === 0 && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          No storage location holds ISOs: add one with "content": ["iso"] to the bridge's config.
        </p>
      )}
      {drives.map((drive, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: drives have no identity but their place
        <div key={index} className="flex flex-col gap-2">
          <div className="flex flex-wrap items-end gap-2">
            <FormField
              fieldKey={`cdroms.${index}.image`}
              label={creating ? 'Installer ISO' : `Drive ${index + 1}`}
              error={errors.fields[`cdroms.${index}.image`] ?? errors.fields[`cdroms.${index}`]}
              locked={locked(`cdroms.${index}.image`)}
              className="min-w-64 flex-1"
            >
              {(control) => (
                <IsoSelect
                  value={drive.image}
                  files={media}
                  onChange={(ref) => setImage(index, ref)}
                  control={control}
                />
              )}
            </FormField>
            <Button
              size="compact"
              aria-expanded={uploading === index}
              deniedReason={can('storage.upload').reason}
              disabled={isos.locations.length === 0 || Boolean(locked(`cdroms.${index}.image`))}
              onClick={() => setUploading((open) => (open === index ? null : index))}
            >
              Upload an ISO…
            </Button>
            {!creating && (
              <Button
                size="compact"
                intent="quiet"
                disabled={Boolean(locked('cdroms'))}
                title={locked('cdroms') ?? undefined}
                onClick={() => change((d) => ({ ...d, cdroms: removeAt(d.cdroms, index) }))}
              >
                Remove drive
              </Button>
            )}
          </div>
          {uploading === index && (
            <UploadPanel
              locations={isos.locations}
              accept=".iso,.img"
              onUploaded={(file) => {
                setImage(index, file.ref);
                setUploading(null);
              }}
            />
          )}
        </div>
      ))}
      {!creating && (
        <div>
          <Button
            size="compact"
            disabled={Boolean(locked('cdroms'))}
            title={locked('cdroms') ?? undefined}
            onClick={() => change((d) => ({ ...d, cdroms: [...d.cdroms, { image: '', kept: null }] }))}
          >
            Add CD-ROM drive
          </Button>
        </div>
      )}
    </FormSection>
  );
}
