/**
 * The storage page (`/storage`): every storage location of the bridge's config with its free space and its
 * files; upload from this browser, download from a URL by the bridge, delete what no VM uses.
 */
import type { StorageLocation } from '@qmpdeck/protocol';
import { useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { formatBytes } from '../../ui/bytes.ts';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { usePermission } from '../session/usePermission.ts';
import { DownloadPanel } from './DownloadPanel.tsx';
import { StorageFilesTable } from './StorageFilesTable.tsx';
import { UploadPanel } from './UploadPanel.tsx';
import { useStorageFiles, useStorageLocations } from './useStorage.ts';

function spaceText(location: StorageLocation): string {
  if (location.free === null) return 'free space unknown';
  const total = location.total === null ? '' : ` of ${formatBytes(location.total)}`;
  return `${formatBytes(location.free)} free${total}`;
}

function LocationSection({ location }: { location: StorageLocation }) {
  const can = usePermission();
  const files = useStorageFiles(location.id);
  const [panel, setPanel] = useState<'upload' | 'download' | null>(null);
  const toggle = (which: 'upload' | 'download') => setPanel((open) => (open === which ? null : which));
  const headingId = `storage-${location.id}`;
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-zinc-200 dark:border-zinc-800"
      data-testid="storage-location"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <div className="min-w-0">
          <h2 id={headingId} className="font-semibold">
            {location.id}
          </h2>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            <span className="font-mono break-all">{location.path}</span> · {location.content.join(', ')} ·{' '}
            {spaceText(location)}
          </p>
        </div>
        <div className="flex gap-2">
          <Button
            size="compact"
            aria-expanded={panel === 'upload'}
            deniedReason={can('storage.upload').reason}
            onClick={() => toggle('upload')}
          >
            Upload…
          </Button>
          <Button
            size="compact"
            aria-expanded={panel === 'download'}
            deniedReason={can('storage.download').reason}
            onClick={() => toggle('download')}
          >
            Download from URL…
          </Button>
        </div>
      </div>
      {panel && (
        <div className="border-b border-zinc-200 p-3 dark:border-zinc-800">
          {panel === 'upload' ? (
            <UploadPanel locations={[location]} />
          ) : (
            <DownloadPanel locations={[location]} />
          )}
        </div>
      )}
      {files.error && (
        <p role="alert" className="px-3 py-2 text-sm text-red-700 dark:text-red-400">
          Cannot list the files: {files.error.message}
        </p>
      )}
      {files.isPending && <p className="px-3 py-2 text-sm text-zinc-500">Loading files…</p>}
      {files.data && <StorageFilesTable storage={location.id} files={files.data} />}
    </section>
  );
}

export default function StoragePage() {
  usePageTitle('Storage');
  const locations = useStorageLocations();
  return (
    <main className="mx-auto flex w-full max-w-7xl flex-col gap-3 p-3 sm:p-4">
      <h1 className="text-xl font-semibold">Storage</h1>
      {locations.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Cannot list storage: {locations.error.message}
        </p>
      )}
      {locations.isPending && <p className="text-sm text-zinc-500">Loading storage…</p>}
      {locations.data?.length === 0 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No storage locations. Add some to the bridge's config:{' '}
          <code>
            {'"storage": [{ "id": "local", "path": "/var/lib/qmpdeck/images", "content": ["disk", "iso"] }]'}
          </code>
        </p>
      )}
      {locations.data?.map((location) => (
        <LocationSection key={location.id} location={location} />
      ))}
    </main>
  );
}
