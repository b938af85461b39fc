/**
 * Which QMP queries an event makes stale: the info panel's data is fetched by
 * query and refreshed only when an event says it changed (no polling).
 */
import type { QmpCommandName } from '@qmpdeck/qmp';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys.ts';
import { isKnownEvent, type KnownEventName } from '../qemu/event-names.ts';

const QUERIES_BY_EVENT: Partial<Record<KnownEventName, readonly QmpCommandName[]>> = {
  RESET: ['query-cpus-fast'],
  SHUTDOWN: ['query-cpus-fast'],
  RESUME: ['query-cpus-fast'],
  STOP: ['query-cpus-fast'],
  DEVICE_TRAY_MOVED: ['query-block'],
  BLOCK_IO_ERROR: ['query-block'],
  BLOCK_JOB_COMPLETED: ['query-block'],
  BLOCK_IMAGE_CORRUPTED: ['query-block'],
  DEVICE_DELETED: ['query-block', 'query-chardev', 'query-cpus-fast', 'query-memory-size-summary'],
  MEMORY_DEVICE_SIZE_CHANGE: ['query-memory-size-summary'],
  BALLOON_CHANGE: ['query-memory-size-summary'],
  VSERPORT_CHANGE: ['query-chardev'],
  VNC_CONNECTED: ['query-vnc'],
  VNC_INITIALIZED: ['query-vnc'],
  VNC_DISCONNECTED: ['query-vnc'],
  BRIDGE_CONNECTED: [
    'query-machines',
    'query-cpus-fast',
    'query-memory-size-summary',
    'query-block',
    'query-chardev',
    'query-vnc',
  ],
};

export function queriesChangedBy(event: string): readonly QmpCommandName[] {
  return (isKnownEvent(event) && QUERIES_BY_EVENT[event]) || [];
}

/** Asks again every Info query of the VM that shows an error, once something says QEMU answers again. */
export function refetchFailedInfo(queryClient: QueryClient, vm: string): void {
  void queryClient.refetchQueries({
    queryKey: queryKeys.infoAll(vm),
    type: 'active',
    predicate: (query) => query.state.status === 'error' && query.state.fetchStatus === 'idle',
  });
}
