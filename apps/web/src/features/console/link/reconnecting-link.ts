/**
 * One console connection that comes back by itself: across a guest reboot (nothing breaks), a `system_reset`, a
 * QEMU restart of a managed VM (QEMU closes the VNC or serial socket, the bridge closes the WebSocket) and a
 * bridge restart (the WebSocket breaks and upgrades fail until it listens again). After a connection that was up
 * breaks, it retries at once and then backs off; an attempt that never opened backs off the same way. The browser
 * cannot read why an upgrade was refused, so after a failed attempt it asks `probe` (a plain GET of the same
 * path): a `{ error }` body naming a class in `definitive` (no display, no such console) turns the phase to
 * `unavailable` with the bridge's words, and retries slow down to the cap (the VM may gain a display on its next
 * start). Knows nothing of noVNC or xterm: `open` makes one attempt of whatever the console is.
 */
import type { ErrorBody } from '@qmpdeck/protocol';
import { backoffDelay } from '@qmpdeck/qmp/backoff';
import { INITIAL_LINK_STATE, type LinkState } from './link-state.ts';

/** What an attempt reports; each is called at most once, `closed` after `opened` or instead of it. */
export interface AttemptHandlers {
  opened(): void;
  closed(): void;
}

export interface LinkAttempt {
  close(): void;
}

export interface ReconnectingLinkOptions {
  open(handlers: AttemptHandlers): LinkAttempt;
  onState(state: LinkState): void;
  /** Why the last attempt failed, when the bridge says; null when it does not (or is away). */
  probe?(): Promise<ErrorBody | null>;
  /** Error classes that mean "nothing to connect to", not "try again soon". */
  definitive?: readonly string[];
  minDelayMs?: number;
  maxDelayMs?: number;
  now?(): number;
}

export class ReconnectingLink {
  private state: LinkState = INITIAL_LINK_STATE;
  private attempt: LinkAttempt | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every new attempt and by stop(): answers of older ones are ignored. */
  private generation = 0;
  private failures = 0;
  private running = false;
  /** Whether any attempt since start() opened: failures before that are still "connecting". */
  private everOpened = false;

  constructor(private readonly options: ReconnectingLinkOptions) {}

  get current(): LinkState {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.everOpened = false;
    this.set({ ...INITIAL_LINK_STATE });
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    this.clearTimer();
    const attempt = this.attempt;
    this.attempt = null;
    attempt?.close();
    this.set({ phase: 'stopped', attempt: 0, retryAt: null, problem: null });
  }

  /** Skips the wait before the next attempt ("Reconnect now"); a live connection is left alone. */
  retryNow(): void {
    if (!this.running || this.state.phase === 'connected' || this.timer === null) return;
    this.clearTimer();
    this.connect();
  }

  private connect(): void {
    const generation = ++this.generation;
    let opened = false;
    this.set({ ...this.state, retryAt: null });
    this.attempt = this.options.open({
      opened: () => {
        if (generation !== this.generation) return;
        opened = true;
        this.everOpened = true;
        this.failures = 0;
        this.set({ phase: 'connected', attempt: 0, retryAt: null, problem: null });
      },
      closed: () => {
        if (generation !== this.generation) return;
        this.attempt = null;
        if (opened) this.brokeAfterOpening();
        else void this.failedToOpen(generation);
      },
    });
  }

  /** A working connection broke: try again at once, as the first attempt of a reconnect. */
  private brokeAfterOpening(): void {
    this.failures = 0;
    this.set({ phase: 'reconnecting', attempt: 1, retryAt: null, problem: null });
    this.connect();
  }

  private async failedToOpen(generation: number): Promise<void> {
    const problem = (await this.options.probe?.().catch(() => null)) ?? null;
    if (generation !== this.generation || !this.running) return;
    const definitive = problem !== null && (this.options.definitive ?? []).includes(problem.class);
    const { minDelayMs = 500, maxDelayMs = 5_000, now = Date.now } = this.options;
    const delay = definitive
      ? maxDelayMs
      : backoffDelay(this.failures, { minMs: minDelayMs, maxMs: maxDelayMs });
    this.failures += 1;
    this.set({
      phase: definitive ? 'unavailable' : this.everOpened ? 'reconnecting' : 'connecting',
      attempt: this.failures + 1,
      retryAt: now() + delay,
      problem,
    });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private set(state: LinkState): void {
    this.state = state;
    this.options.onState(state);
  }
}
