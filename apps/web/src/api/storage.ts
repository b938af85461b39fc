/**
 * Storage locations and their files (disk images, ISOs): listing, a download from a URL by the bridge (a job),
 * removal. Uploads from the browser are in `upload.ts` (XHR, for their progress).
 */
import { type DownloadRequest, Job, StorageFile, StorageLocation } from '@qmpdeck/protocol';
import { z } from 'zod';
import { fetchJson, sendJson } from './http.ts';

export const storagePath = (id: string) => `/api/storage/${encodeURIComponent(id)}`;
export const storageFilePath = (id: string, name: string) =>
  `${storagePath(id)}/files/${encodeURIComponent(name)}`;

export const fetchStorage = () => fetchJson('/api/storage', z.array(StorageLocation));
export const fetchStorageFiles = (id: string) => fetchJson(`${storagePath(id)}/files`, z.array(StorageFile));

/** 202 with the job fetching the URL; its progress comes over the socket. */
export const downloadToStorage = (id: string, request: DownloadRequest) =>
  sendJson('POST', `${storagePath(id)}/download`, Job, request);

/** 409 `InUse` while a VM's definition names the file or a running VM has it open. */
export const deleteStorageFile = (id: string, name: string) =>
  sendJson('DELETE', storageFilePath(id, name), z.unknown());
