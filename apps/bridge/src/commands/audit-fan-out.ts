/**
 * The pipeline has one audit seam; several parts of the bridge learn from every command that passes it: the log
 * (or the audit log), the Prometheus command counters, the memory of each NIC's last `set_link`. This gives each
 * the same record, in order, once the command is over.
 */
import type { CommandAudit, CommandRecord } from './command-audit.ts';

export class AuditFanOut implements CommandAudit {
  constructor(readonly audits: readonly CommandAudit[]) {}

  record(entry: CommandRecord): void {
    for (const audit of this.audits) audit.record(entry);
  }
}
