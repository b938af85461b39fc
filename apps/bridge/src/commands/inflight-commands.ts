/**
 * The commands one VM is running (sent and not yet answered), plus those answered a moment ago: both are what cause
 * attribution looks at, because QEMU sends a command's events before its return, and a guest or a job answers some
 * of them only later. The pipeline begins and completes every entry; graceful shutdown waits on `whenEmpty`.
 */
import type { Actor, InflightCommand } from '@qmpdeck/protocol';
import type { CommandTarget } from './command-request.ts';

export interface CompletedCommand {
  command: InflightCommand;
  completedAt: number;
}

/** Completed commands kept for cause attribution; each cause rule says how long after its answer it may count. */
const RECENT_LIMIT = 64;

export interface NewInflightCommand {
  execute: string;
  arguments: Record<string, unknown> | undefined;
  actor: Actor;
  target: CommandTarget;
  /** The client's own id; the bridge numbers the command when there is none. */
  id: string | undefined;
  timeoutMs: number;
}

export class InflightCommands {
  // Keyed by object: two clients may well pick the same command id.
  readonly #inflight = new Set<InflightCommand>();
  readonly #recent: CompletedCommand[] = [];
  readonly #emptyWaiters: (() => void)[] = [];
  #nextId = 1;

  constructor(
    readonly vm: string,
    readonly onChange: (commands: InflightCommand[]) => void,
  ) {}

  /** Registers a command; pass the returned object to `complete`. */
  begin(command: NewInflightCommand): InflightCommand {
    const startedAt = Date.now();
    const { actor } = command;
    // Spelled out rather than spread: `{ ...actor, more }` takes V8's slow path (microseconds, on every command).
    const entry: InflightCommand = {
      client: actor.client,
      user: actor.user,
      origin: actor.origin,
      remote: actor.remote ?? null,
      id: command.id ?? `b${this.#nextId}`,
      vm: this.vm,
      execute: command.execute,
      target: command.target,
      arguments: command.arguments ?? null,
      startedAt,
      deadline: startedAt + command.timeoutMs,
    };
    this.#nextId++;
    this.#inflight.add(entry);
    this.onChange(this.list());
    return entry;
  }

  complete(command: InflightCommand, now = Date.now()): void {
    if (!this.#inflight.delete(command)) return;
    this.#recent.push({ command, completedAt: now });
    if (this.#recent.length > RECENT_LIMIT) this.#recent.shift();
    this.onChange(this.list());
    if (this.#inflight.size === 0) for (const resolve of this.#emptyWaiters.splice(0)) resolve();
  }

  /** Oldest first. */
  list(): InflightCommand[] {
    return [...this.#inflight];
  }

  get size(): number {
    return this.#inflight.size;
  }

  /** Completed commands still kept, oldest first. */
  recent(): readonly CompletedCommand[] {
    return this.#recent;
  }

  /** Resolves once no command is in flight (at once when none is). */
  whenEmpty(): Promise<void> {
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }
}
