/**
 * `qmp_capabilities`, which the proxy answers itself: it is the client's negotiation with its own endpoint, not a
 * command to the VM (the bridge negotiated its own link long ago). Checked as QEMU's generated marshaller and
 * qmp_qmp_capabilities (monitor/qmp-cmds-control.c) check it: the arguments by the input visitor's rules and
 * words (`enable` an array of QMPCapability, nothing else), then whether negotiation is already over, then whether
 * each capability was offered in the greeting.
 */
import type { QemuJsonObject } from './qemu-json/values.ts';

/** QEMU 7.2's QMPCapability enum. */
const KNOWN_CAPABILITIES = ['oob'];

export type CapabilitiesResult =
  | { ok: true; enable: string[] }
  | { ok: false; class: 'GenericError' | 'CommandNotFound'; desc: string };

export function negotiateCapabilities(
  args: QemuJsonObject,
  offered: readonly string[],
  alreadyNegotiated: boolean,
): CapabilitiesResult {
  const enable: string[] = [];
  if ('enable' in args) {
    const list = args.enable;
    if (!Array.isArray(list)) return generic("Invalid parameter type for 'enable', expected: array");
    for (const [index, item] of list.entries()) {
      if (typeof item !== 'string')
        return generic(`Invalid parameter type for 'enable[${index}]', expected: string`);
      // QEMU names a list element "null" here: the enum visitor gets no name for it.
      if (!KNOWN_CAPABILITIES.includes(item))
        return generic(`Parameter 'null' does not accept value '${item}'`);
      enable.push(item);
    }
  }
  // The visitor then refuses what it did not visit.
  const unexpected = firstLeftover(Object.keys(args), 'enable');
  if (unexpected !== null) return generic(`Parameter '${unexpected}' is unexpected`);
  if (alreadyNegotiated) {
    return {
      ok: false,
      class: 'CommandNotFound',
      desc: 'Capabilities negotiation is already complete, command ignored',
    };
  }
  const unavailable = enable.filter((capability) => !offered.includes(capability));
  if (unavailable.length > 0) return generic(`Capability ${unavailable.join(', ')} not available`);
  return { ok: true, enable: [...new Set(enable)] };
}

function generic(desc: string): CapabilitiesResult {
  return { ok: false, class: 'GenericError', desc };
}

/**
 * Which unvisited member QEMU names: its input visitor puts the members (in QDict order) into a GLib hash table,
 * removes those it visits, and names the first one left in the table's slot order. GLib (2.74): djb2 string hash
 * times 11 modulo 7 in 8 slots with quadratic probing, until the table grows at 8 members; past that the QDict
 * order stands in (a client sending 8 unknown arguments to qmp_capabilities reads one of them either way).
 */
function firstLeftover(keys: readonly string[], visited: string): string | null {
  const leftovers = keys.filter((key) => key !== visited);
  if (leftovers.length <= 1 || keys.length >= 8) return leftovers[0] ?? null;
  const slots: (string | null)[] = new Array(8).fill(null);
  for (const key of keys) {
    let index = (Math.imul(glibStrHash(key), 11) >>> 0) % 7;
    for (let step = 1; slots[index] !== null; step++) index = (index + step) & 7;
    slots[index] = key;
  }
  return slots.find((key) => key !== null && key !== visited) ?? null;
}

/** g_str_hash: djb2 over the bytes as signed chars; 0 and 1 are reserved, so GLib takes 2 for them. */
function glibStrHash(key: string): number {
  let hash = 5381;
  for (const byte of Buffer.from(key, 'utf8'))
    hash = (Math.imul(hash, 33) + (byte > 127 ? byte - 256 : byte)) >>> 0;
  return hash <= 1 ? 2 : hash;
}
