/**
 * The pipeline's audit step: who ran what on which VM, with what outcome and how long it took, once each command
 * is over (answered, failed, refused). THE SEAM for the audit log: the next issue stores a row here. The default
 * writes the operator's log line (`msg: "command"`), never the arguments: some carry passwords (set_password,
 * secrets).
 */
import type { ErrorBody } from '@qmpdeck/protocol';
import type { Logger } from '../log.ts';
import { BRIDGE_CLIENT, type CommandRequest } from './command-request.ts';

export interface CommandRecord {
  request: CommandRequest;
  /** The request's arguments with secrets redacted (what may be stored), or null. */
  arguments: Record<string, unknown> | null;
  outcome: 'ok' | 'error' | 'refused';
  /** Set when the outcome is not ok. */
  error: ErrorBody | null;
  durationMs: number;
}

export interface CommandAudit {
  record(entry: CommandRecord): void;
}

export class LogAudit implements CommandAudit {
  constructor(readonly log: Logger) {}

  record({ request, outcome, error, durationMs }: CommandRecord): void {
    const { actor } = request;
    // Reads and the bridge's own shared commands (a screendump every few seconds while thumbnails show) would
    // drown the rest at info.
    const routine = isRead(request.command) || actor.client === BRIDGE_CLIENT;
    const level = outcome === 'refused' ? 'warn' : routine ? 'debug' : 'info';
    if (!this.log.isLevelEnabled(level)) return;
    this.log[level](
      {
        vm: request.vm,
        command: request.command,
        target: request.target,
        client: actor.client,
        user: actor.user,
        role: request.principal.user?.role ?? null,
        origin: actor.origin,
        remote: actor.remote ?? null,
        outcome,
        ...(error === null ? {} : { error: error.class }),
        durationMs: Math.round(durationMs * 10) / 10,
      },
      'command',
    );
  }
}

/**
 * Reads are logged at debug, so a dashboard's looks (a Hardware tab refreshed on every tray event) do not fill the
 * operator's log: QMP queries, and the bridge's own reads (`hardware.read`, `audit.read`), named `*.read`.
 */
function isRead(command: string): boolean {
  return command.startsWith('query-') || command.endsWith('.read');
}
