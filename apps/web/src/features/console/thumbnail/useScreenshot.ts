/**
 * The VM's screen for its thumbnail, asked every few seconds while someone can see it: only while `watching`
 * (the tab is visible and the row on screen), and each time with the last ETag, so an unchanged screen costs the
 * bridge a 304 and the page nothing (the cached answer stays the same object). A VM without a display (404)
 * is not asked again until it changes.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchScreenshot, type Screenshot } from '../../../api/consoles.ts';
import { queryKeys } from '../../../api/queryKeys.ts';
import type { RequestError } from '../../../api/request-error.ts';

export const THUMBNAIL_REFRESH_MS = 5_000;

export function useScreenshot(vmId: string, watching: boolean) {
  const queryClient = useQueryClient();
  const key = queryKeys.screenshot(vmId);
  return useQuery<Screenshot, RequestError>({
    queryKey: key,
    queryFn: () => fetchScreenshot(vmId, queryClient.getQueryData<Screenshot>(key)),
    enabled: watching,
    refetchInterval: (query) => (query.state.error?.status === 404 ? false : THUMBNAIL_REFRESH_MS),
    refetchIntervalInBackground: false,
    retry: false,
    staleTime: THUMBNAIL_REFRESH_MS,
  });
}
