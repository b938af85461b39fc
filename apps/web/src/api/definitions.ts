/**
 * A VM's definition, the document the bridge builds QEMU's argv from: read it to fill the edit form, write it
 * whole to change it. VMs from the config file have none (409 `NotDefined`).
 */
import { VmDefinition, type VmDefinitionRequest } from '@qmpdeck/protocol';
import { fetchJson, sendJson } from './http.ts';
import { vmPath } from './vms.ts';

export const fetchDefinition = (id: string) => fetchJson(`${vmPath(id)}/definition`, VmDefinition);

/**
 * The whole definition (`id` may be left out); answers it as stored (new disks made, MACs kept). 409 `VmRunning`
 * when a change needs the VM stopped.
 */
export const updateDefinition = (id: string, definition: Omit<VmDefinitionRequest, 'id'>) =>
  sendJson('PUT', `${vmPath(id)}/definition`, VmDefinition, definition);
