/**
 * Every failure the library reports, as one class tree. Each error carries `class` and `desc`, mirroring QMP's own
 * `{ "error": { "class", "desc" } }`, so a server can forward `{ class: err.class, desc: err.desc }` unchanged.
 *
 * ```
 * QmpClientError                       anything this library throws or rejects with
 * ├── QmpError                         QEMU answered with an error; class/desc are QEMU's own (CommandNotFound, ...)
 * ├── QmpProtocolError   ProtocolError the peer broke the protocol: garbage, not QMP, id-less error, message too large
 * ├── QmpBusyError       MonitorBusy   no greeting in time: another client holds the monitor
 * ├── QmpTimeoutError    Timeout       a command's reply did not arrive in time (the connection stays usable)
 * ├── QmpConnectionClosed ConnectionClosed  the connection ended (or was never open) while a command waited
 * ├── QmpConnectError    ConnectFailed the socket could not be opened (keeps the OS `code`, e.g. ENOENT)
 * ├── QmpAbortError      Cancelled     the caller's AbortSignal fired
 * ├── QmpUsageError      InvalidRequest the call itself is invalid (e.g. exec-oob without negotiated oob)
 * └── GuestAgentUnavailableError GuestAgentUnavailable  the guest agent did not answer (see guest-agent.ts)
 * ```
 */

export class QmpClientError extends Error {
  readonly class: string;
  readonly desc: string;

  constructor(errorClass: string, desc: string, options?: { cause?: unknown }) {
    super(desc, options);
    this.name = new.target.name;
    this.class = errorClass;
    this.desc = desc;
  }

  /** The wire shape QMP itself uses for errors. */
  toJSON(): { class: string; desc: string } {
    return { class: this.class, desc: this.desc };
  }
}

/** QEMU's own error reply for a command. */
export class QmpError extends QmpClientError {
  /** The command that failed. */
  readonly command: string;

  constructor(errorClass: string, desc: string, command: string) {
    super(errorClass, desc);
    this.command = command;
  }
}

export class QmpProtocolError extends QmpClientError {
  constructor(desc: string, options?: { cause?: unknown }) {
    super('ProtocolError', desc, options);
  }
}

export class QmpBusyError extends QmpClientError {
  constructor(desc = 'No QMP greeting received: another client holds the monitor') {
    super('MonitorBusy', desc);
  }
}

export class QmpTimeoutError extends QmpClientError {
  constructor(desc: string) {
    super('Timeout', desc);
  }
}

export class QmpConnectionClosed extends QmpClientError {
  constructor(desc = 'The QMP connection is closed', options?: { cause?: unknown }) {
    super('ConnectionClosed', desc, options);
  }
}

export class QmpConnectError extends QmpClientError {
  /** The operating system's error code (ENOENT, ECONNREFUSED, ...) when there is one. */
  readonly code: string | undefined;

  constructor(desc: string, code: string | undefined, options?: { cause?: unknown }) {
    super('ConnectFailed', desc, options);
    this.code = code;
  }
}

export class QmpAbortError extends QmpClientError {
  constructor(desc = 'The command was cancelled', options?: { cause?: unknown }) {
    super('Cancelled', desc, options);
  }
}

export class QmpUsageError extends QmpClientError {
  constructor(desc: string) {
    super('InvalidRequest', desc);
  }
}

export class GuestAgentUnavailableError extends QmpClientError {
  constructor(desc = 'The guest agent did not answer', options?: { cause?: unknown }) {
    super('GuestAgentUnavailable', desc, options);
  }
}
