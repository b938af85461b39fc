/** Commands running on a VM right now; kept live afterwards by `inflight` WebSocket messages. */
import { InflightList } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

export const fetchInflightCommands = (vm: string) =>
  fetchJson(`/api/vms/${encodeURIComponent(vm)}/inflight`, InflightList);
