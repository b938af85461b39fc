/**
 * A VM's QMP connection in the operator's log (journalctl): one line at info or
 * warn for each change that matters (connected, dropped, busy, unreachable, a
 * new reason for failing), and every retry at debug, so a VM down for days does
 * not flood the log at the default level.
 */
import type { QemuVersion } from '@qmpdeck/protocol';
import type { QmpClientError } from '@qmpdeck/qmp';
import type { Logger } from '../log.ts';

export class LinkLog {
  /** Why the previous attempt failed; a retry failing the same way is only worth a debug line. */
  #lastFailure: string | null = null;
  #failedAttempts = 0;

  constructor(
    readonly log: Logger,
    readonly vm: string,
  ) {}

  connecting(address: string): void {
    this.log.debug({ vm: this.vm, address, attempt: this.#failedAttempts + 1 }, 'VM connecting');
  }

  connected(address: string, qemu: QemuVersion): void {
    this.log.info(
      {
        vm: this.vm,
        address,
        qemu: `${qemu.major}.${qemu.minor}.${qemu.micro}`,
        failedAttempts: this.#failedAttempts,
      },
      'VM connected',
    );
    this.#lastFailure = null;
    this.#failedAttempts = 0;
  }

  /** An established connection ended without the bridge asking; the supervisor reconnects. */
  lost(error: QmpClientError | null): void {
    const reason = error
      ? reasonOf(error)
      : { class: 'ConnectionClosed', desc: 'QEMU closed the connection' };
    this.log.warn({ vm: this.vm, reason }, 'VM disconnected; retrying');
  }

  /** The bridge closed the connection itself (stopping, socket gone). */
  closedByBridge(): void {
    this.log.info({ vm: this.vm }, 'VM connection closed by the bridge');
  }

  /** An attempt to connect failed; the supervisor retries with backoff. */
  attemptFailed(error: QmpClientError): void {
    this.#failedAttempts++;
    const reason = reasonOf(error);
    // By class and OS code, not desc: a busy monitor fails first on the greeting, then on a full queue.
    const key = `${error.class} ${(error as { code?: string }).code ?? ''}`;
    if (key === this.#lastFailure) {
      this.log.debug({ vm: this.vm, reason, failedAttempts: this.#failedAttempts }, 'VM retry failed');
      return;
    }
    this.#lastFailure = key;
    const message =
      error.class === 'MonitorBusy'
        ? 'VM monitor busy: another client holds it; retrying'
        : 'VM not reachable; retrying';
    this.log.warn({ vm: this.vm, reason, failedAttempts: this.#failedAttempts }, message);
  }

  /** An attempt that fails as expected (a managed QEMU creating its socket): only worth a debug line. */
  attemptExpected(error: QmpClientError): void {
    this.log.debug({ vm: this.vm, reason: reasonOf(error) }, 'VM not up yet; retrying');
  }
}

function reasonOf(error: QmpClientError): { class: string; desc: string } {
  return { class: error.class, desc: error.desc };
}
