/**
 * Uploads a file into a storage location: `PUT /api/storage/:id/files/:name` with the file as the raw body.
 * XMLHttpRequest, not fetch, because only XHR reports upload progress (`xhr.upload.onprogress`). The body is the
 * `File` itself, which the browser streams from disk: the page never reads it into memory, whatever its size.
 */
import { ErrorResponse } from '@qmpdeck/protocol';
import { RequestError } from './request-error.ts';
import { storageFilePath } from './storage.ts';

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  total: number;
}

export interface UploadRequest {
  storage: string;
  /** The name in the location (checked by the bridge: a plain file name). */
  name: string;
  file: Blob;
  /** Replace a file of that name; without it the bridge answers 409 `FileExists`. */
  overwrite?: boolean;
  onProgress?(progress: UploadProgress): void;
  signal?: AbortSignal;
}

export function uploadUrl(storage: string, name: string, overwrite = false): string {
  return `${storageFilePath(storage, name)}${overwrite ? '?overwrite=1' : ''}`;
}

/** The bridge's `{ error: { class, desc } }`, or words for an answer that is not one. */
export function uploadError(status: number, text: string): RequestError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ErrorResponse.safeParse(body);
  if (parsed.success) return new RequestError(parsed.data.error, status);
  return new RequestError({ class: 'BadResponse', desc: `HTTP ${status} from the upload` }, status);
}

/** Resolves with the bridge's answer (JSON, or null for none) once the whole file is stored. */
export function uploadFile(request: UploadRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = () => request.signal?.removeEventListener('abort', onAbort);
    xhr.open('PUT', uploadUrl(request.storage, request.name, request.overwrite));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      request.onProgress?.({
        loaded: event.loaded,
        total: event.lengthComputable ? event.total : request.file.size,
      });
    };
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        request.onProgress?.({ loaded: request.file.size, total: request.file.size });
        resolve(xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : null);
      } else {
        reject(uploadError(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => {
      settle();
      // The browser says no more than this: the bridge closed the connection (a refusal it could not answer
      // before the body was sent, or the bridge stopping) or the network failed.
      reject(
        new RequestError({
          class: 'UploadFailed',
          desc: 'the connection to the bridge ended before the upload was answered',
        }),
      );
    };
    xhr.onabort = () => {
      settle();
      reject(new RequestError({ class: 'Cancelled', desc: 'the upload was cancelled' }));
    };
    if (request.signal?.aborted) {
      // abort() before send() fires no event: say it here.
      reject(new RequestError({ class: 'Cancelled', desc: 'the upload was cancelled' }));
      return;
    }
    request.signal?.addEventListener('abort', onAbort);
    xhr.send(request.file);
  });
}
