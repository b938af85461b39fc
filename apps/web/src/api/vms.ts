/** The VM resource: the list and one VM. Lifecycle actions go over the socket (live/useExecute.ts). */
import { Vm, VmList } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

const vmPath = (id: string) => `/api/vms/${encodeURIComponent(id)}`;

export const fetchVms = () => fetchJson('/api/vms', VmList);
export const fetchVm = (id: string) => fetchJson(vmPath(id), Vm);
