/**
 * The lines a QMP proxy client reads, each built as QEMU builds it (the same members inserted in the same order,
 * so qdict-order.ts lays them out the same) and written by QEMU's rules, ending in CRLF as QEMU's monitor ends
 * every line.
 */
import type { QmpGreeting } from '@qmpdeck/qmp';
import { qdictOf } from './qemu-json/qdict-order.ts';
import { type RawJson, writeQemuJson } from './qemu-json/writer.ts';

const EOL = '\r\n';

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
  const entries: [string, unknown][] = [['return', value ?? {}]];
  if (id) entries.push(['id', id]);
  return writeQemuJson(qdictOf(entries)) + EOL;
}

export function errorLine(errorClass: string, desc: string, id: RawJson | null): string {
  const entries: [string, unknown][] = [
    [
      'error',
      qdictOf([
        ['class', errorClass],
        ['desc', desc],
      ]),
    ],
  ];
  if (id) entries.push(['id', id]);
  return writeQemuJson(qdictOf(entries)) + EOL;
}

/** A QEMU event as QEMU wrote it: its own name, data and timestamp. */
export function eventLine(event: {
  event: string;
  data?: unknown;
  timestamp: { seconds: number; microseconds: number };
}): string {
  const entries: [string, unknown][] = [['event', event.event]];
  if (event.data !== undefined) entries.push(['data', event.data]);
  entries.push([
    'timestamp',
    qdictOf([
      ['seconds', event.timestamp.seconds],
      ['microseconds', event.timestamp.microseconds],
    ]),
  ]);
  return writeQemuJson(qdictOf(entries)) + EOL;
}
