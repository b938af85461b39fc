/**
 * One upload's life for a form: sending (with the bytes the browser reports sent), done, failed (the bridge's
 * error, e.g. 409 `FileExists` to offer replacing it), or cancelled. The file goes as the request body, read
 * from disk by the browser while it sends.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { queryKeys } from '../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../api/request-error.ts';
import { uploadFile } from '../../api/upload.ts';

export interface UploadTarget {
  storage: string;
  name: string;
}

export type UploadState =
  | { phase: 'idle' }
  | ({ phase: 'sending'; loaded: number; total: number } & UploadTarget)
  | ({ phase: 'done' } & UploadTarget)
  | ({ phase: 'failed'; error: RequestError } & UploadTarget);

export interface Upload {
  state: UploadState;
  start(target: UploadTarget & { file: File; overwrite?: boolean }): Promise<boolean>;
  cancel(): void;
  reset(): void;
}

export function useUpload(): Upload {
  const queryClient = useQueryClient();
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  // Leaving the page ends the upload: nobody would see how it ended.
  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    async ({ file, overwrite, ...target }: UploadTarget & { file: File; overwrite?: boolean }) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setState({ phase: 'sending', loaded: 0, total: file.size, ...target });
      try {
        await uploadFile({
          ...target,
          file,
          overwrite,
          signal: abort.signal,
          onProgress: ({ loaded, total }) => setState({ phase: 'sending', loaded, total, ...target }),
        });
        setState({ phase: 'done', ...target });
        return true;
      } catch (error) {
        setState({ phase: 'failed', error: toRequestError(error), ...target });
        return false;
      } finally {
        if (controller.current === abort) controller.current = null;
        // A refused or cancelled upload leaves nothing, but a finished one (or a replaced file) changed the list.
        queryClient.invalidateQueries({ queryKey: queryKeys.storageFiles(target.storage) });
        queryClient.invalidateQueries({ queryKey: queryKeys.storageLocations(), exact: true });
      }
    },
    [queryClient],
  );

  return {
    state,
    start,
    cancel: useCallback(() => controller.current?.abort(), []),
    reset: useCallback(() => setState({ phase: 'idle' }), []),
  };
}
