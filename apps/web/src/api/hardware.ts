/**
 * What a VM is made of (`GET /api/vms/:id/hardware`), and the bridge's device actions: media and disks from the
 * storage locations, NIC hot-plug, unplugs. Link up/down and eject are plain QMP commands, sent over the socket
 * (live/useExecute.ts).
 */
import {
  DeviceChange,
  type DiskAddRequest,
  Hardware,
  MediaChange,
  type MediaRequest,
  type NicAddRequest,
} from '@qmpdeck/protocol';
import { fetchJson, postJson } from './http.ts';

const vmPath = (id: string) => `/api/vms/${encodeURIComponent(id)}`;

export const fetchHardware = (vm: string) => fetchJson(`${vmPath(vm)}/hardware`, Hardware);

export const addNic = (vm: string, request: NicAddRequest) =>
  postJson(`${vmPath(vm)}/nics`, DeviceChange, request);

export const removeDevice = (vm: string, kind: 'nics' | 'disks', device: string) =>
  fetchJson(`${vmPath(vm)}/${kind}/${encodeURIComponent(device)}`, DeviceChange, { method: 'DELETE' });

export const changeMedia = (vm: string, request: MediaRequest) =>
  postJson(`${vmPath(vm)}/media`, MediaChange, request);

export const addDisk = (vm: string, request: DiskAddRequest) =>
  postJson(`${vmPath(vm)}/disks`, DeviceChange, request);
