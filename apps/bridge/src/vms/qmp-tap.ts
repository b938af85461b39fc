/**
 * What a VM's QMP link lets others watch without going through the supervisor's parts: each new connection (with
 * its greeting) and QEMU's own events as they arrive, before anything else is done with them. The QMP proxy uses it
 * to greet its clients with the VM's own greeting and to fan QEMU's events out to them with QEMU's timestamps.
 */
import type { QmpClient, QmpEvent } from '@qmpdeck/qmp';

type Unsubscribe = () => void;

export class QmpTap {
  readonly #connectionListeners = new Set<(client: QmpClient) => void>();
  readonly #eventListeners = new Set<(event: QmpEvent) => void>();

  onConnection(listener: (client: QmpClient) => void): Unsubscribe {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  onEvent(listener: (event: QmpEvent) => void): Unsubscribe {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  connected(client: QmpClient): void {
    for (const listener of this.#connectionListeners) listener(client);
  }

  event(event: QmpEvent): void {
    for (const listener of this.#eventListeners) listener(event);
  }
}
