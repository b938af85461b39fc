/**
 * A per-consumer FIFO of events behind an async iterator, so one consumer never steals another's events. It ends
 * (after draining) when the connection closes or the consumer breaks out of its loop.
 */
import type { QmpEvent } from './types.ts';

export class EventQueue implements AsyncIterableIterator<QmpEvent> {
  readonly #names: ReadonlySet<string> | undefined;
  readonly #onDone: (queue: EventQueue) => void;
  #buffered: QmpEvent[] = [];
  #waiting: ((result: IteratorResult<QmpEvent>) => void) | undefined;
  #ended = false;

  constructor(names: readonly string[] | undefined, onDone: (queue: EventQueue) => void) {
    this.#names = names ? new Set(names) : undefined;
    this.#onDone = onDone;
  }

  push(event: QmpEvent): void {
    if (this.#ended || (this.#names && !this.#names.has(event.event))) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: event, done: false });
    } else {
      this.#buffered.push(event);
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<QmpEvent>> {
    const event = this.#buffered.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<QmpEvent>> {
    this.#buffered = [];
    this.end();
    this.#onDone(this);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<QmpEvent> {
    return this;
  }
}
