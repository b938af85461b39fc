/**
 * What QEMU's dispatcher makes of one message before any command runs (qapi/qmp-dispatch.c, qmp_dispatch and
 * qmp_dispatch_check_obj; monitor/qmp.c, qmp_is_oob): a command with its name, arguments and id, or QEMU's own
 * `GenericError` text for an envelope it refuses. The members are checked in QEMU's order (qdict-order.ts), so the
 * member QEMU complains about first is the one named here too.
 */
import type { JsonMessage } from './qemu-json/streamer.ts';
import { isQemuJsonObject, type QemuJsonObject } from './qemu-json/values.ts';
import { RawJson, writeQemuJson } from './qemu-json/writer.ts';

export type QmpRequest =
  | { kind: 'invalid'; id: RawJson | null; desc: string }
  | {
      kind: 'command';
      name: string;
      arguments: QemuJsonObject;
      hasArguments: boolean;
      id: RawJson | null;
      /** The id as the bridge names the command (in-flight list, causes): a string id as it is, else its JSON. */
      idText: string | null;
      oob: boolean;
    };

/**
 * QEMU runs a message that looks out-of-band at once, as it is read (even an invalid one, and even before `oob`
 * is negotiated: then it is refused at once); everything else waits its turn in order.
 */
export function looksOutOfBand(message: JsonMessage): boolean {
  return (
    message.ok &&
    isQemuJsonObject(message.value) &&
    'exec-oob' in message.value &&
    !('execute' in message.value)
  );
}

/** `oobEnabled`: the client negotiated `oob` (only then is `exec-oob` a member QEMU accepts). */
export function readRequest(message: JsonMessage, oobEnabled: boolean): QmpRequest {
  if (!message.ok) return { kind: 'invalid', id: null, desc: message.desc };
  const dict = message.value;
  if (!isQemuJsonObject(dict)) return { kind: 'invalid', id: null, desc: 'QMP input must be a JSON object' };
  // The id is echoed even when the rest is refused; QEMU writes it again from its own parse, so do we.
  const id = 'id' in dict ? new RawJson(writeQemuJson(dict.id, { numbersAreDoubles: true })) : null;
  let execKey: string | null = null;
  for (const key of Object.keys(dict)) {
    const value = dict[key];
    if (key === 'execute' || (key === 'exec-oob' && oobEnabled)) {
      if (typeof value !== 'string')
        return { kind: 'invalid', id, desc: `QMP input member '${key}' must be a string` };
      if (execKey !== null)
        return { kind: 'invalid', id, desc: `QMP input member '${key}' clashes with '${execKey}'` };
      execKey = key;
    } else if (key === 'arguments') {
      if (!isQemuJsonObject(value))
        return { kind: 'invalid', id, desc: "QMP input member 'arguments' must be an object" };
    } else if (key !== 'id') {
      return { kind: 'invalid', id, desc: `QMP input member '${key}' is unexpected` };
    }
  }
  if (execKey === null) return { kind: 'invalid', id, desc: "QMP input lacks member 'execute'" };
  const args = dict.arguments;
  return {
    kind: 'command',
    name: dict[execKey] as string,
    arguments: isQemuJsonObject(args) ? args : Object.create(null),
    hasArguments: isQemuJsonObject(args),
    id,
    idText: typeof dict.id === 'string' ? dict.id : (id?.text ?? null),
    oob: execKey === 'exec-oob',
  };
}
