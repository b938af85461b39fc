/**
 * The storage locations and their files (`GET /api/storage`, `GET /api/storage/:id/files`), as the Hardware tab's
 * image pickers list them: the browser only ever names an image as `STORAGE:FILE`, never by a host path.
 */
import { StorageFile, StorageLocation } from '@qmpdeck/protocol';
import { z } from 'zod';
import { fetchJson } from './http.ts';

export const fetchStorageLocations = () => fetchJson('/api/storage', z.array(StorageLocation));

export const fetchStorageFiles = (storage: string) =>
  fetchJson(`/api/storage/${encodeURIComponent(storage)}/files`, z.array(StorageFile));
