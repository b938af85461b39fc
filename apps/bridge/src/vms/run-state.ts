/**
 * A VM's run state (`prelaunch`, `running`, `paused`, ...), kept true by asking `query-status` after every event
 * that may have changed it: the event name alone does not tell the new state (a reset while paused lands in
 * `prelaunch`). Overlapping refreshes collapse into one more round. Typed with QEMU's generated `query-status`
 * return and event names.
 */
import type { RunState } from '@qmpdeck/protocol';
import type { QmpClient, QmpEventName } from '@qmpdeck/qmp';
import type { Logger } from '../log.ts';

/** QMP events after which the run state may have changed. */
export const RUN_STATE_EVENTS: ReadonlySet<QmpEventName> = new Set<QmpEventName>([
  'STOP',
  'RESUME',
  'RESET',
  'SHUTDOWN',
  'POWERDOWN',
  'SUSPEND',
  'SUSPEND_DISK',
  'WAKEUP',
  'GUEST_PANICKED',
  'GUEST_CRASHLOADED',
  'WATCHDOG',
  'MIGRATION',
  'BLOCK_IO_ERROR',
]);

const STATUS_QUERY_TIMEOUT_MS = 5000;

export interface RunStateOptions {
  vmId: string;
  log: Logger;
  /** The live QMP connection, or null: answers from a connection that has since ended are dropped. */
  client: () => QmpClient | null;
  onChange: () => void;
}

export class RunStateTracker {
  #status: RunState | null = null;
  #query: Promise<void> | null = null;
  #again = false;

  constructor(readonly options: RunStateOptions) {}

  get status(): RunState | null {
    return this.#status;
  }

  /** After a QMP event: refresh when it may have changed the run state. */
  eventSeen(event: string): void {
    if (RUN_STATE_EVENTS.has(event as QmpEventName)) this.refresh();
  }

  refresh(): void {
    if (this.#query) {
      this.#again = true;
      return;
    }
    this.#query = this.#queryUntilSettled().finally(() => {
      this.#query = null;
    });
  }

  /** The connection is gone: the run state is unknown until the next one answers. */
  clear(): void {
    this.#set(null);
  }

  async #queryUntilSettled(): Promise<void> {
    do {
      this.#again = false;
      const client = this.options.client();
      if (!client) return;
      try {
        const { status } = await client.execute('query-status', undefined, {
          timeoutMs: STATUS_QUERY_TIMEOUT_MS,
        });
        if (this.options.client() === client) this.#set(status);
      } catch (err) {
        this.options.log.debug({ vm: this.options.vmId, err }, 'query-status failed');
      }
    } while (this.#again);
  }

  #set(status: RunState | null): void {
    if (status === this.#status) return;
    this.#status = status;
    this.options.log.debug({ vm: this.options.vmId, status }, 'VM run state');
    this.options.onChange();
  }
}

/**
 * The run state the VM was in before a RESUME, added to the stored event as `data.statusBefore` (QEMU's RESUME
 * carries no data): a first boot from `prelaunch` reads differently from a resume after a pause.
 */
export function annotateStatusBefore(
  event: string,
  data: Record<string, unknown> | undefined,
  before: RunState | null,
): Record<string, unknown> | undefined {
  if (event !== 'RESUME' || before === null) return data;
  return { ...data, statusBefore: before };
}
