/** The audit log (`GET /api/audit`): who did what to which VM, newest first, paged back with `before=<id>`. */
import { AuditPage } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

export interface AuditFilter {
  /** A VM id, or '' for every VM. */
  vm: string;
  /** A user name, or '' for everyone. */
  user: string;
}

export function fetchAuditPage(filter: AuditFilter, before: number | null, limit: number) {
  const query = new URLSearchParams();
  if (filter.vm) query.set('vm', filter.vm);
  if (filter.user) query.set('user', filter.user);
  if (before !== null) query.set('before', String(before));
  query.set('limit', String(limit));
  return fetchJson(`/api/audit?${query}`, AuditPage);
}
