/**
 * The images a picker offers: the files of every storage location holding one of `contents` (`iso` for a CD-ROM,
 * `disk` for a hot-plugged disk), as `STORAGE:FILE` references. Hidden files never reach here (the bridge lists
 * only plain ones). Asked when a picker first shows, and again when it is opened.
 */
import type { StorageContent, StorageFile } from '@qmpdeck/protocol';
import { useQueries, useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys.ts';
import type { RequestError } from '../../../api/request-error.ts';
import { fetchStorageFiles, fetchStorageLocations } from '../../../api/storage-images.ts';

/** Every drive row has a picker: one list serves them all for a while, and opening a picker asks again. */
const LIST_STALE_MS = 30_000;

export interface StorageImages {
  images: StorageFile[];
  /** Nothing holds such images: the config has no location with that content. */
  none: boolean;
  loading: boolean;
  error: RequestError | null;
  refresh(): void;
}

export function useStorageImages(contents: readonly StorageContent[]): StorageImages {
  const locations = useQuery<Awaited<ReturnType<typeof fetchStorageLocations>>, RequestError>({
    queryKey: queryKeys.storageLocations(),
    queryFn: fetchStorageLocations,
    staleTime: LIST_STALE_MS,
  });
  const holding = (locations.data ?? []).filter((location) =>
    location.content.some((content) => contents.includes(content)),
  );
  const files = useQueries({
    queries: holding.map((location) => ({
      queryKey: queryKeys.storageFiles(location.id),
      queryFn: () => fetchStorageFiles(location.id),
      staleTime: LIST_STALE_MS,
    })),
  });
  const error = (locations.error ?? files.find((file) => file.error)?.error ?? null) as RequestError | null;
  return {
    images: files.flatMap((file) => file.data ?? []),
    none: locations.data !== undefined && holding.length === 0,
    loading: locations.isPending || files.some((file) => file.isPending),
    error,
    refresh: () => {
      void locations.refetch();
      for (const file of files) void file.refetch();
    },
  };
}
