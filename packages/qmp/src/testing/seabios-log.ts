/**
 * SeaBIOS's debug console (I/O port 0x402) into a file, for tests that need to know how far the firmware got.
 * QEMU keeps the BIOS area across `system_reset`, so SeaBIOS answers a reset with a RESET of its own only once its
 * POST has begun (it then takes the reset for a reboot); a reset sooner, which a loaded host makes likely, starts
 * a cold POST and no second RESET comes.
 */
import { existsSync, readFileSync } from 'node:fs';

/** What SeaBIOS prints just after it marks its POST as begun (`qemu_preinit`). */
const POST_BEGUN = 'Running on QEMU';

/** QEMU arguments that write SeaBIOS's debug output to `path`. */
export function seabiosLogArgs(path: string): string[] {
  return [
    ...['-chardev', `file,id=seabios-log,path=${path}`],
    ...['-device', 'isa-debugcon,iobase=0x402,chardev=seabios-log'],
  ];
}

/** Whether the log at `path` says the POST has begun (from then on a reset gets the firmware's own RESET). */
export function seabiosBeganPost(path: string): boolean {
  return existsSync(path) && readFileSync(path, 'latin1').includes(POST_BEGUN);
}
