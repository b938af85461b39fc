/**
 * The lines a QMP proxy client reads, each laid out as QEMU lays it out (the members QEMU inserts, in the order its
 * QDict walks them: qdict-order.ts) and written by QEMU's rules, ending in CRLF as QEMU's monitor ends every line.
 * The orders of these few fixed shapes are worked out once: replies and events are the proxy's hot path.
 */
import type { QmpGreeting } from '@qmpdeck/qmp';
import { qdictOf, qdictOrder } from './qemu-json/qdict-order.ts';
import { quote, type RawJson, writeQemuJson } from './qemu-json/writer.ts';

const EOL = '\r\n';

/** Members in the order QEMU inserts them (qmp_dispatch, qmp_error_response, qapi_event_emit). */
const RETURN_FIRST = qdictOrder(['return', 'id'])[0] === 'return';
const ERROR_FIRST = qdictOrder(['error', 'id'])[0] === 'error';
const CLASS_FIRST = qdictOrder(['class', 'desc'])[0] === 'class';
const EVENT_ORDER = qdictOrder(['event', 'data', 'timestamp']);
const SECONDS_FIRST = qdictOrder(['seconds', 'microseconds'])[0] === 'seconds';

export function greetingLine(greeting: QmpGreeting): string {
  const { qemu, package: pkg } = greeting.version;
  const triple = qdictOf([
    ['major', qemu.major],
    ['minor', qemu.minor],
    ['micro', qemu.micro],
  ]);
  const version = qdictOf([
    ['qemu', triple],
    ['package', pkg],
  ]);
  return (
    writeQemuJson(
      qdictOf([
        [
          'QMP',
          qdictOf([
            ['version', version],
            ['capabilities', greeting.capabilities],
          ]),
        ],
      ]),
    ) + EOL
  );
}

export function returnLine(value: unknown, id: RawJson | null): string {
  const member = `"return": ${writeQemuJson(value ?? {})}`;
  if (id === null) return `{${member}}${EOL}`;
  const idMember = `"id": ${id.text}`;
  return RETURN_FIRST ? `{${member}, ${idMember}}${EOL}` : `{${idMember}, ${member}}${EOL}`;
}

export function errorLine(errorClass: string, desc: string, id: RawJson | null): string {
  const classMember = `"class": ${quote(errorClass)}`;
  const descMember = `"desc": ${quote(desc)}`;
  const member = `"error": {${CLASS_FIRST ? `${classMember}, ${descMember}` : `${descMember}, ${classMember}`}}`;
  if (id === null) return `{${member}}${EOL}`;
  const idMember = `"id": ${id.text}`;
  return ERROR_FIRST ? `{${member}, ${idMember}}${EOL}` : `{${idMember}, ${member}}${EOL}`;
}

/** A QEMU event as QEMU wrote it: its own name, data and timestamp. */
export function eventLine(event: {
  event: string;
  data?: unknown;
  timestamp: { seconds: number; microseconds: number };
}): string {
  const { seconds, microseconds } = event.timestamp;
  const stamp = SECONDS_FIRST
    ? `{"seconds": ${seconds}, "microseconds": ${microseconds}}`
    : `{"microseconds": ${microseconds}, "seconds": ${seconds}}`;
  const members: Record<string, string | null> = {
    event: quote(event.event),
    data: event.data === undefined ? null : writeQemuJson(event.data),
    timestamp: stamp,
  };
  const parts: string[] = [];
  for (const key of EVENT_ORDER) {
    const value = members[key];
    if (value !== null && value !== undefined) parts.push(`"${key}": ${value}`);
  }
  return `{${parts.join(', ')}}${EOL}`;
}
