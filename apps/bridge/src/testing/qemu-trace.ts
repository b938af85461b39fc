/**
 * QEMU's own record of the QMP commands it received: the `handle_qmp_command` trace event, written by QEMU to a
 * file as each command arrives (`handle_qmp_command mon 0x... req: {"execute": "stop", ...}`). Tests read it to
 * check that an allowed command reached QEMU and a refused one never did, on QEMU's side, not the bridge's.
 */
import { existsSync, readFileSync } from 'node:fs';

/** QEMU arguments that write the trace to `file`. */
export function qmpTraceArgs(file: string): string[] {
  return ['-trace', `enable=handle_qmp_command,file=${file}`];
}

/** Every request QEMU logged, as it logged it (its own JSON formatting). */
export function tracedRequests(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('handle_qmp_command'))
    .map((line) => line.slice(line.indexOf('req: ') + 'req: '.length));
}

/** How many times QEMU received `command` (optionally only requests containing `marker`). */
export function tracedCount(file: string, command: string, marker?: string): number {
  return tracedRequests(file).filter(
    (request) =>
      request.includes(`"execute": "${command}"`) && (marker === undefined || request.includes(marker)),
  ).length;
}
