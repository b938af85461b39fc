/**
 * The listener sets behind the clients' `on`/`off`: one set per event name, fixed at construction, so a name the
 * class does not emit is a clear `QmpUsageError` (not a TypeError from inside the library). Listeners run in the
 * order added; one that throws does not stop the others and surfaces as an uncaught exception, as Node's
 * EventEmitter would. Unlike EventEmitter, an `error` with no listener is not thrown.
 */
import { QmpUsageError } from './errors.ts';

// biome-ignore lint/suspicious/noExplicitAny: listener signatures differ per event; each map entry fixes its own.
type ListenerMap<E> = { [K in keyof E]: (...args: any[]) => void };

export class Listeners<E extends ListenerMap<E>> {
  readonly #sets = new Map<string, Set<E[keyof E]>>();

  constructor(
    readonly owner: string,
    names: readonly (keyof E & string)[],
  ) {
    for (const name of names) this.#sets.set(name, new Set());
  }

  add<K extends keyof E & string>(type: K, fn: E[K]): void {
    this.#set(type, 'on').add(fn);
  }

  delete<K extends keyof E & string>(type: K, fn: E[K]): void {
    this.#set(type, 'off').delete(fn);
  }

  emit<K extends keyof E & string>(type: K, ...args: Parameters<E[K]>): void {
    for (const fn of [...this.#set(type, 'emit')]) {
      try {
        fn(...args);
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }

  #set(type: string, method: string): Set<E[keyof E]> {
    const set = this.#sets.get(type);
    if (set === undefined) {
      throw new QmpUsageError(
        `${this.owner}.${method}(${JSON.stringify(type)}): unknown event; ${this.owner} emits ${[...this.#sets.keys()].join(', ')}`,
      );
    }
    return set;
  }
}
