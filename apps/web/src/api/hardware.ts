/**
 * What a VM is made of (`GET /api/vms/:id/hardware`), and the bridge's device actions: NIC hot-plug and unplug,
 * disk unplug. Link up/down and eject are plain QMP commands, sent over the socket (live/useExecute.ts).
 */
import { DeviceChange, Hardware, type NicAddRequest } from '@qmpdeck/protocol';
import { fetchJson, postJson } from './http.ts';

const vmPath = (id: string) => `/api/vms/${encodeURIComponent(id)}`;

export const fetchHardware = (vm: string) => fetchJson(`${vmPath(vm)}/hardware`, Hardware);

export const addNic = (vm: string, request: NicAddRequest) =>
  postJson(`${vmPath(vm)}/nics`, DeviceChange, request);

export const removeDevice = (vm: string, kind: 'nics' | 'disks', device: string) =>
  fetchJson(`${vmPath(vm)}/${kind}/${encodeURIComponent(device)}`, DeviceChange, { method: 'DELETE' });
