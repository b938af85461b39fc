/** Long work (transfers, clones, later backups): the list as the bridge holds it; `job` messages keep it current. */
import { JobList } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

export interface JobFilter {
  vm?: string;
  status?: string;
  limit?: number;
}

export function jobsSearch(filter: JobFilter): string {
  const params = new URLSearchParams();
  if (filter.vm) params.set('vm', filter.vm);
  if (filter.status) params.set('status', filter.status);
  if (filter.limit !== undefined) params.set('limit', String(filter.limit));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const fetchJobs = (filter: JobFilter = {}) => fetchJson(`/api/jobs${jobsSearch(filter)}`, JobList);
