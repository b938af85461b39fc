/**
 * The task log and what starts its jobs: `GET /api/jobs`, `GET /api/vms/:id/jobs`, `POST /api/jobs/:id/<verb>`;
 * backups, snapshots, hibernation. Every answer is validated with the protocol's schema.
 */
import {
  BackupList,
  type BackupRequest,
  Job,
  JobList,
  SnapshotList,
  type SnapshotRequest,
} from '@qmpdeck/protocol';
import { z } from 'zod';
import { fetchJson, postJson } from './http.ts';

export type JobVerb = 'cancel' | 'pause' | 'resume' | 'dismiss';

const vmPath = (vm: string) => `/api/vms/${encodeURIComponent(vm)}`;

export function fetchJobs(vm: string | null): Promise<Job[]> {
  return fetchJson(vm === null ? '/api/jobs?limit=200' : `${vmPath(vm)}/jobs?limit=200`, JobList);
}

export function controlJob(id: string, verb: JobVerb): Promise<Job> {
  return postJson(`/api/jobs/${encodeURIComponent(id)}/${verb}`, Job, { origin: `Task log ${verb}` });
}

export function fetchBackups(vm: string) {
  return fetchJson(`${vmPath(vm)}/backups`, BackupList);
}

export function startBackup(vm: string, request: z.infer<typeof BackupRequest>): Promise<Job> {
  return postJson(`${vmPath(vm)}/backups`, Job, { ...request, origin: 'Back up button' });
}

const Removed = z.object({ removed: z.string() });

export function deleteBackup(vm: string, id: string) {
  return fetchJson(`${vmPath(vm)}/backups/${encodeURIComponent(id)}`, Removed, { method: 'DELETE' });
}

export function restoreBackup(vm: string, id: string): Promise<Job> {
  return postJson(`${vmPath(vm)}/backups/${encodeURIComponent(id)}/restore`, Job, {
    origin: 'Restore button',
  });
}

export function fetchSnapshots(vm: string) {
  return fetchJson(`${vmPath(vm)}/snapshots`, SnapshotList);
}

export function createSnapshot(vm: string, request: z.infer<typeof SnapshotRequest>): Promise<Job> {
  return postJson(`${vmPath(vm)}/snapshots`, Job, request);
}

export function revertSnapshot(vm: string, name: string): Promise<Job> {
  return postJson(`${vmPath(vm)}/snapshots/${encodeURIComponent(name)}/revert`, Job, {
    origin: 'Revert button',
  });
}

export function deleteSnapshot(vm: string, name: string): Promise<Job> {
  return fetchJson(`${vmPath(vm)}/snapshots/${encodeURIComponent(name)}`, Job, { method: 'DELETE' });
}

export function hibernate(vm: string): Promise<Job> {
  return postJson(`${vmPath(vm)}/hibernate`, Job, { origin: 'Hibernate button' });
}

export function dumpMemory(vm: string): Promise<Job> {
  return postJson(`${vmPath(vm)}/dump`, Job, { origin: 'Memory dump button' });
}

const Retention = z.object({ keep: z.number().nullable() });

export function fetchRetention(vm: string) {
  return fetchJson(`${vmPath(vm)}/backups/retention`, Retention);
}

export function setRetention(vm: string, keep: number | null) {
  return fetchJson(`${vmPath(vm)}/backups/retention`, Retention, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keep }),
  });
}
