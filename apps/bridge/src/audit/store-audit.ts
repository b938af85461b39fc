/**
 * The pipeline's audit step writing the audit log: one row per command, whatever its path and outcome (`ok`, the
 * error's class, `Forbidden` for a refusal), with the arguments as the pipeline redacted them.
 */
import type { CommandAudit, CommandRecord } from '../commands/command-audit.ts';
import { BRIDGE_CLIENT } from '../commands/command-request.ts';
import type { AuditStore } from './audit-store.ts';

export class StoreAudit implements CommandAudit {
  constructor(readonly store: AuditStore) {}

  record({ request, arguments: args, error, durationMs }: CommandRecord): void {
    const { actor, principal } = request;
    // The bridge's own shared commands (one screendump every few seconds per VM while thumbnails show) are nobody's
    // action and would push people's rows out of the capped log; each viewer's `console.view` decided who may see.
    if (actor.client === BRIDGE_CLIENT) return;
    this.store.append({
      time: this.store.now(),
      kind: 'command',
      user: principal.user?.name ?? null,
      role: principal.user?.role ?? null,
      remote: actor.remote ?? null,
      client: actor.client,
      origin: actor.origin,
      vm: request.vm ?? vmNamedIn(args),
      target: request.target,
      command: request.command,
      arguments: args,
      outcome: error === null ? 'ok' : error.class,
      error: error === null ? null : error.desc,
      durationMs: Math.round(durationMs * 10) / 10,
    });
  }
}

/**
 * A bridge-wide action about one VM (reading that VM's audit entries) is filed under that VM, so a reader scoped
 * away from it does not see even that someone asked.
 */
function vmNamedIn(args: Record<string, unknown> | null): string | null {
  return typeof args?.vm === 'string' ? args.vm : null;
}

/** Several audits in turn (the log line and the audit log). */
export class Audits implements CommandAudit {
  readonly #audits: readonly CommandAudit[];

  constructor(...audits: CommandAudit[]) {
    this.#audits = audits;
  }

  record(entry: CommandRecord): void {
    for (const audit of this.#audits) audit.record(entry);
  }
}
