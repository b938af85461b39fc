/**
 * Each NIC's link as last set through the bridge. QEMU cannot say whether a link is up (no query reports
 * `set_link`, see shared/qmp consoles-devices-jobs.md §5), so the bridge remembers every `set_link` that succeeds
 * in its command pipeline (it sees them all at the audit seam, whichever route they came by) and says `unknown`
 * for a NIC it never saw set. What it knows is forgotten when a new QMP connection starts (it may be a new QEMU,
 * whose links are all up again) and, for one NIC, when QEMU deletes the device.
 *
 * `set_link` takes a NIC's id, QEMU's own name for it or its netdev's id (setting a netdev's link sets the NIC's
 * too): a NIC's state is the newest set under any of its names.
 */
import { BridgeEventName, type EventRecord, type LinkState } from '@qmpdeck/protocol';
import type { CommandAudit, CommandRecord } from '../commands/command-audit.ts';

interface LinkSet {
  up: boolean;
  /** Orders sets made under different names of one NIC. */
  order: number;
}

export class LinkMemory implements CommandAudit {
  readonly #byVm = new Map<string, Map<string, LinkSet>>();
  #order = 0;

  record({ request, outcome }: CommandRecord): void {
    if (request.command !== 'set_link' || request.target !== 'qmp' || outcome !== 'ok' || request.vm === null)
      return;
    const { name, up } = request.arguments ?? {};
    if (typeof name !== 'string' || typeof up !== 'boolean') return;
    let links = this.#byVm.get(request.vm);
    if (!links) {
      links = new Map();
      this.#byVm.set(request.vm, links);
    }
    links.set(name, { up, order: ++this.#order });
  }

  /** Every stored event passes here: a new connection, or a NIC deleted, drop what was known. */
  eventRecorded(record: EventRecord): void {
    if (record.event === BridgeEventName.Connected) this.#byVm.delete(record.vm);
    else if (record.event === 'DEVICE_DELETED' && typeof record.data?.device === 'string')
      this.#byVm.get(record.vm)?.delete(record.data.device);
  }

  /** The link of the NIC known by `names` (its id, QEMU's name for it, its netdev). */
  linkOf(vm: string, names: readonly (string | null)[]): LinkState {
    const links = this.#byVm.get(vm);
    let newest: LinkSet | undefined;
    for (const name of names) {
      const set = name === null ? undefined : links?.get(name);
      if (set && (newest === undefined || set.order > newest.order)) newest = set;
    }
    if (newest === undefined) return 'unknown';
    return newest.up ? 'up' : 'down';
  }
}
