/**
 * The VM resource: the list and one VM, and the bridge's lifecycle routes that make, copy, stop and remove
 * VMs (`vm.create`, `vm.clone`, `vm.stop`, `vm.delete`). QMP commands and Start/Kill go over the socket
 * (live/useExecute.ts); these go over HTTP because they answer with more than a result (a new VM, a job) or
 * take longer than a command should hold the socket's queue.
 */
import {
  type CloneRequest,
  Job,
  type StopRequest,
  Vm,
  type VmDefinitionRequest,
  VmList,
} from '@qmpdeck/protocol';
import { z } from 'zod';
import { fetchJson, sendJson } from './http.ts';

export const vmPath = (id: string) => `/api/vms/${encodeURIComponent(id)}`;

export const fetchVms = () => fetchJson('/api/vms', VmList);
export const fetchVm = (id: string) => fetchJson(vmPath(id), Vm);

/** `POST /api/vms`: 201 with the new VM; 400 `BadRequest` naming the field; 409 `VmExists`. */
export const createVm = (definition: VmDefinitionRequest) => sendJson('POST', '/api/vms', Vm, definition);

/** `POST /api/vms/:id/clone` answers 202 at once: the new VM, and the job copying its disks. */
export const CloneAnswer = z.object({ job: Job, vm: Vm });
export type CloneAnswer = z.infer<typeof CloneAnswer>;
export const cloneVm = (id: string, request: CloneRequest) =>
  sendJson('POST', `${vmPath(id)}/clone`, CloneAnswer, request);

/** ACPI power-down, then `quit` after the timeout, then a kill; answers the VM once QEMU is gone. */
export const stopVm = (id: string, request: StopRequest = {}) =>
  sendJson('POST', `${vmPath(id)}/stop`, Vm, request);

export type DiskDisposal = 'keep' | 'delete';

/** Removes a stopped VM the bridge defined; its disk images are kept unless `disks` is `delete`. */
export const deleteVm = (id: string, disks: DiskDisposal) =>
  sendJson('DELETE', `${vmPath(id)}?disks=${disks}`, z.unknown());
