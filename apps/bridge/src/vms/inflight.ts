/**
 * The commands one VM has sent to QEMU and not yet seen answered, plus those
 * answered a moment ago: both are what cause attribution looks at, because QEMU
 * sends a command's events before its return (and a few just after).
 */
import type { Actor, InflightCommand } from '@qmpdeck/protocol';

export interface CompletedCommand {
  command: InflightCommand;
  completedAt: number;
}

/** How long after its return a command may still be named as an event's cause. */
export const CAUSE_WINDOW_MS = 1000;
const RECENT_LIMIT = 32;

export class InflightTracker {
  // Keyed by object: two clients may well pick the same command id.
  readonly #inflight = new Set<InflightCommand>();
  readonly #recent: CompletedCommand[] = [];
  #nextId = 1;

  constructor(
    readonly vm: string,
    readonly onChange: (commands: InflightCommand[]) => void,
  ) {}

  /** Registers a command; pass the returned object to `complete`. */
  begin(
    execute: string,
    args: Record<string, unknown> | undefined,
    actor: Actor,
    id: string | undefined,
    timeoutMs: number,
  ): InflightCommand {
    const startedAt = Date.now();
    const command: InflightCommand = {
      ...actor,
      id: id ?? `b${this.#nextId}`,
      vm: this.vm,
      execute,
      arguments: args ?? null,
      startedAt,
      deadline: startedAt + timeoutMs,
    };
    this.#nextId++;
    this.#inflight.add(command);
    this.onChange(this.list());
    return command;
  }

  complete(command: InflightCommand, now = Date.now()): void {
    if (!this.#inflight.delete(command)) return;
    this.#recent.push({ command, completedAt: now });
    if (this.#recent.length > RECENT_LIMIT) this.#recent.shift();
    this.onChange(this.list());
  }

  list(): InflightCommand[] {
    return [...this.#inflight];
  }

  get size(): number {
    return this.#inflight.size;
  }

  recent(now = Date.now()): CompletedCommand[] {
    return this.#recent.filter((entry) => now - entry.completedAt <= CAUSE_WINDOW_MS);
  }
}
