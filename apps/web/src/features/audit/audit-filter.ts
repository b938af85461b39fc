/** The audit page's filters live in its address (`/audit?vm=alpha&user=ana`), so a filtered view can be linked. */
import type { AuditFilter } from '../../api/audit.ts';

export function filterFromSearch(search: string): AuditFilter {
  const params = new URLSearchParams(search);
  return { vm: params.get('vm')?.trim() ?? '', user: params.get('user')?.trim() ?? '' };
}

export function searchFromFilter(filter: AuditFilter): string {
  const params = new URLSearchParams();
  if (filter.vm.trim()) params.set('vm', filter.vm.trim());
  if (filter.user.trim()) params.set('user', filter.user.trim());
  const text = params.toString();
  return text ? `?${text}` : '';
}
