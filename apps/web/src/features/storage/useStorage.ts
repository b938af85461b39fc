/**
 * Storage locations and their files, fetched over HTTP and asked again when a transfer or clone ends (the jobs'
 * messages invalidate them, see live/cache-writer.ts) or when this page changed something.
 */
import type { StorageContent, StorageFile, StorageLocation } from '@qmpdeck/protocol';
import { useQueries, useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import { fetchStorage, fetchStorageFiles } from '../../api/storage.ts';

export function useStorageLocations() {
  return useQuery({ queryKey: queryKeys.storageLocations(), queryFn: fetchStorage });
}

export function useStorageFiles(id: string) {
  return useQuery({ queryKey: queryKeys.storageFiles(id), queryFn: () => fetchStorageFiles(id) });
}

export interface StoredFiles {
  /** The locations holding this content. */
  locations: StorageLocation[];
  files: StorageFile[];
  isPending: boolean;
  /** The first failure, in words. */
  error: string | null;
}

/** Every file of the locations that hold `content` (ISOs for the installer picker, disks for existing images). */
export function useStoredFiles(content: StorageContent): StoredFiles {
  const locations = useStorageLocations();
  const holding = (locations.data ?? []).filter((location) => location.content.includes(content));
  const files = useQueries({
    queries: holding.map((location) => ({
      queryKey: queryKeys.storageFiles(location.id),
      queryFn: () => fetchStorageFiles(location.id),
    })),
  });
  const failed = [locations, ...files].find((query) => query.error);
  return {
    locations: holding,
    files: files.flatMap((query) => query.data ?? []),
    isPending: locations.isPending || files.some((query) => query.isPending),
    error: failed?.error ? failed.error.message : null,
  };
}
