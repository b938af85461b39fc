/** The VM resource: list, one VM, and the lifecycle routes of managed VMs. */
import { ExecuteSuccess, Vm, VmList } from '@qmpdeck/protocol';
import { z } from 'zod';
import { fetchJson, postJson } from './http.ts';

const vmPath = (id: string) => `/api/vms/${encodeURIComponent(id)}`;

export const fetchVms = () => fetchJson('/api/vms', VmList);
export const fetchVm = (id: string) => fetchJson(vmPath(id), Vm);

/** start/kill answer with the VM object or an empty body depending on the bridge; both are fine. */
const LifecycleAnswer = z.union([Vm, z.object({}).loose(), ExecuteSuccess]);
export const startVm = (id: string) => postJson(`${vmPath(id)}/start`, LifecycleAnswer, {});
export const killVm = (id: string) => postJson(`${vmPath(id)}/kill`, LifecycleAnswer, {});
