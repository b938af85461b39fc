/**
 * Live events for subscribers that asked for `batch`: gathered per VM and sent as one `events` message per turn of
 * the event loop (setImmediate: after the QMP bytes read together have all been handled). A timer of a few ms would
 * gather more, but would delay every live event by that much; one turn already makes a burst one frame, since
 * QEMU's events arrive together in one read. `flush()` also runs before any other message goes out, so batching
 * never reorders events against results, `vm` or `inflight` messages.
 *
 * Each client gets only events past the seq its subscription joined at: an event stored before it joined came in
 * its replay, never twice.
 */
import type { EventRecord, EventsMessage } from '@qmpdeck/protocol';
import type { HubClient } from './hub-client.ts';

export class EventBatches {
  readonly #pending = new Map<string, EventRecord[]>();
  #scheduled: NodeJS.Immediate | null = null;

  constructor(readonly clients: () => Iterable<HubClient>) {}

  add(record: EventRecord): void {
    let batch = this.#pending.get(record.vm);
    if (!batch) {
      batch = [];
      this.#pending.set(record.vm, batch);
    }
    batch.push(record);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.#scheduled !== null) {
      clearImmediate(this.#scheduled);
      this.#scheduled = null;
    }
    if (this.#pending.size === 0) return;
    const batches = [...this.#pending];
    this.#pending.clear();
    for (const [vm, events] of batches) this.#send(vm, events);
  }

  #send(vm: string, events: EventRecord[]): void {
    let whole: string | undefined;
    for (const client of this.clients()) {
      const subscription = client.subscription(vm);
      if (subscription?.batch !== true || !client.sees(vm)) continue;
      const fresh =
        events[0] && events[0].seq > subscription.liveAfter
          ? events
          : events.filter((e) => e.seq > subscription.liveAfter);
      if (fresh.length === 0) continue;
      if (fresh === events) {
        whole ??= JSON.stringify({ type: 'events', vm, events } satisfies EventsMessage);
        client.sendText(whole);
      } else {
        client.sendText(JSON.stringify({ type: 'events', vm, events: fresh } satisfies EventsMessage));
      }
    }
  }
}
