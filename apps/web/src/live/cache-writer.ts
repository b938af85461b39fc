/**
 * Writes what the socket receives into the React Query cache, the app's only
 * store: `vm` replaces the VM in the list and its detail (its `latestEvent`
 * included: the overview reads it from there, subscribed to nothing), `event`
 * and `events` append to the VM's timeline pages (coalesced: a replay of
 * 100,000 events in batches is a few writes, not one per event or per batch),
 * `inflight` replaces the VM's in-flight list (`subscribed` asks for it again: live/inflight-cache), `job`
 * updates the task logs (and a transfer or clone that ends refreshes the storage listings it changed), `usage` adds
 * a point to the VM's hour of usage history; events that change a VM's devices make its hardware list stale. While the bridge
 * is away every cached VM reads as `disconnected` (its last known run state
 * may no longer be true, and nothing can be sent to it); a fresh `hello`
 * after a reconnect refetches the VMs, since `vm` messages were missed.
 */
import type { EventRecord, MetricsResponse, ServerMessage, Vm } from '@qmpdeck/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { NEWEST } from '../api/events.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { hardwareChangedBy } from '../features/hardware/hardware-refresh.ts';
import { isEnded } from '../features/jobs/job-progress.ts';
import { appendSample } from '../features/usage/usage-live.ts';
import { appendEvents, type EventPages } from './event-pages.ts';
import { refetchInflightOnSubscribed, writeInflight } from './inflight-cache.ts';
import { queriesChangedBy, refetchFailedInfo } from './info-refresh.ts';
import { writeJob } from './job-cache.ts';
import type { LiveState } from './live-state.ts';

export interface CacheWriter {
  onMessage(message: ServerMessage): void;
  onState(state: LiveState): void;
  /** Writes the events waiting for the next frame now (tests call it; the timer calls it otherwise). */
  flush(): void;
}

function replaceVm(list: readonly Vm[] | undefined, vm: Vm): Vm[] | undefined {
  if (!list) return undefined;
  const index = list.findIndex((item) => item.id === vm.id);
  if (index === -1) return [...list, vm];
  const next = [...list];
  next[index] = vm;
  return next;
}

/**
 * Events are written at most this often. A lone event still shows within a frame or two; a burst
 * (a replay after a reconnect) becomes a few large writes instead of one per frame, each of which
 * would re-measure the whole list.
 */
export const EVENT_FLUSH_MS = 50;

/** The page param live events are filed under when no history page was loaded. */
const LIVE_PAGE = { before: NEWEST, limit: 0 };

export const BRIDGE_AWAY_MESSAGE = 'The bridge is unreachable; the state shown before may be out of date.';

/** The VM as far as this tab can tell while the bridge is away: no link, so no run state it can vouch for. */
function withBridgeAway(vm: Vm): Vm {
  if (vm.connection === 'disconnected' && vm.message === BRIDGE_AWAY_MESSAGE) return vm;
  return { ...vm, connection: 'disconnected', message: BRIDGE_AWAY_MESSAGE };
}

export function createCacheWriter(queryClient: QueryClient): CacheWriter {
  // A VM's pages can hold 100,000 events: comparing them deeply with the previous ones on every write
  // (React Query's structural sharing) would cost more than the write. Pages are replaced whole.
  queryClient.setQueryDefaults(queryKeys.eventsAll(), { structuralSharing: false });
  const waiting = new Map<string, EventRecord[][]>();
  let scheduled = false;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(flush, EVENT_FLUSH_MS);
  };

  const writeEvents = (vm: string, events: EventRecord[]) => {
    queryClient.setQueryData<EventPages>(queryKeys.events(vm), (data) =>
      appendEvents(data, events, LIVE_PAGE),
    );
    const stale = new Set(events.flatMap((event) => queriesChangedBy(event.event)));
    for (const query of stale) queryClient.invalidateQueries({ queryKey: queryKeys.info(vm, query) });
    if (events.some((event) => hardwareChangedBy(event.event)))
      queryClient.invalidateQueries({ queryKey: queryKeys.hardware(vm) });
    // QEMU spoke: an Info section left with a timeout from a while ago can ask again now.
    if (events.some((event) => event.source !== 'bridge')) refetchFailedInfo(queryClient, vm);
  };

  const flush = () => {
    scheduled = false;
    for (const [vm, batches] of waiting) {
      // An older page being fetched would be written over what arrives meanwhile (the infinite query builds its
      // result from the pages it started with): these events wait for it, a few milliseconds.
      if (queryClient.getQueryState(queryKeys.events(vm))?.fetchStatus === 'fetching') continue;
      waiting.delete(vm);
      writeEvents(vm, batches.flat());
    }
    if (waiting.size > 0) schedule();
  };

  const queueEvents = (vm: string, events: EventRecord[]) => {
    const batches = waiting.get(vm);
    if (batches) batches.push(events);
    else waiting.set(vm, [events]);
    schedule();
  };

  const onMessage = (message: ServerMessage) => {
    switch (message.type) {
      case 'vm': {
        queryClient.setQueryData<Vm[]>(queryKeys.vms(), (list) => replaceVm(list, message.vm));
        queryClient.setQueryData<Vm>(queryKeys.vm(message.vm.id), message.vm);
        const { usage } = message.vm;
        // The overview's CPU sparkline grows by each VM's latest sample, with no subscription.
        if (usage?.cpu != null)
          queryClient.setQueryData<MetricsResponse>(queryKeys.metrics(message.vm.id, 'hour', 'cpu'), (data) =>
            appendSample(data, { time: usage.time, values: { cpu: usage.cpu as number } }),
          );
        return;
      }
      case 'vm-removed':
        queryClient.setQueryData<Vm[]>(queryKeys.vms(), (list) => list?.filter((vm) => vm.id !== message.vm));
        return;
      case 'event': {
        const { type: _type, ...event } = message;
        queueEvents(event.vm, [event]);
        return;
      }
      case 'events':
        queueEvents(message.vm, message.events);
        return;
      case 'inflight':
        writeInflight(queryClient, message.vm, message.commands);
        return;
      case 'subscribed':
        refetchInflightOnSubscribed(queryClient, message.vm);
        return;
      case 'usage':
        // The hour of history grows by the new sample; longer ranges are asked again on their own schedule.
        queryClient.setQueryData<MetricsResponse>(queryKeys.metrics(message.vm, 'hour'), (data) =>
          appendSample(data, message.sample),
        );
        return;
      case 'job':
        writeJob(queryClient, message.job);
        // An upload, download or clone that ended added (or left behind) files: the listings ask again.
        if (isEnded(message.job)) queryClient.invalidateQueries({ queryKey: queryKeys.storageLocations() });
        return;
      case 'hello':
        queryClient.invalidateQueries({ queryKey: queryKeys.vms(), exact: true });
        // Jobs may have progressed or ended while away (and a job message can come before the first fetch).
        queryClient.invalidateQueries({ queryKey: queryKeys.jobsAll() });
        // VM details may have changed while away; events come back by replay, in-flight lists with each VM's
        // `subscribed` (the socket subscribes again to every VM it followed).
        queryClient.invalidateQueries({
          predicate: ({ queryKey }) => queryKey[0] === 'vms' && queryKey.length === 2,
        });
        return;
      default:
        // result/error/pong are the socket's own business (it settles executes).
        return;
    }
  };

  const markBridgeAway = () => {
    queryClient.setQueryData<Vm[]>(queryKeys.vms(), (list) => list?.map(withBridgeAway));
    for (const [key, vm] of queryClient.getQueriesData<Vm>({
      predicate: ({ queryKey }) => queryKey[0] === 'vms' && queryKey.length === 2,
    })) {
      if (vm) queryClient.setQueryData<Vm>(key, withBridgeAway(vm));
    }
  };

  const onState = (state: LiveState) => {
    queryClient.setQueryData(queryKeys.live(), state);
    // Only a lost link: before the first open (page load) the HTTP answers are as fresh as they get.
    if (state.everOpen && state.status !== 'open') markBridgeAway();
  };

  return { onMessage, onState, flush };
}
