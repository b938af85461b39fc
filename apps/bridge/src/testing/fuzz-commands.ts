/**
 * The commands the bridge fuzzers send, and who may send which. A fuzzer sends commands to real QEMUs, so those
 * that could end a VM or touch the host (`quit`, a monitor line such as `q`, `screendump` to a random file name,
 * `migrate` to `exec:`...) are sent only with a credential whose role must refuse them: the property is then that
 * they are refused, and a QEMU still alive at the end says none slipped through. Everything else is harmless on a
 * paused machine with no devices.
 */
import type { Role } from '@qmpdeck/protocol';
import fc from 'fast-check';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Commands that change a VM or the host in ways a fuzz run must not, with the lowest role allowed to run them. */
export const DANGEROUS: Readonly<Record<string, Role>> = {
  quit: 'operator',
  screendump: 'operator',
  'human-monitor-command': 'admin',
  migrate: 'admin',
  device_add: 'admin',
  'object-add': 'admin',
  'blockdev-add': 'admin',
  'dump-guest-memory': 'admin',
  'guest-exec': 'admin',
  'guest-file-open': 'admin',
};

/** Harmless on a paused machine without devices, whoever runs them (some refused to viewers, by policy). */
const HARMLESS: readonly string[] = [
  'query-status',
  'query-version',
  'query-name',
  'query-kvm',
  'query-block',
  'query-cpus-fast',
  'query-commands',
  'query-chardev',
  'query-memdev',
  'stop',
  'cont',
  'system_reset',
  'guest-ping',
  'guest-info',
  'query-not-a-command',
  'launch-missiles',
];

/** A command name: known ones (harmless or dangerous), names QEMU does not have, malformed names. */
export function commandName(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...HARMLESS), weight: 6 },
    { arbitrary: fc.constantFrom(...Object.keys(DANGEROUS)), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'query status',
        '__com.example_x',
        '1stop',
        'x'.repeat(257),
        'QUIT',
        'vm.start',
        'vm.kill',
      ),
      weight: 1,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 1 },
  );
}

/**
 * True when a request whose most privileged credential has this role carries a dangerous command that role may
 * run: such a request is never sent. Every dangerous command that is sent must therefore be refused.
 */
export function unsafeToSend(role: Role | null, command: unknown): boolean {
  if (typeof command !== 'string' || role === null) return false;
  const lowest = DANGEROUS[command];
  return lowest !== undefined && RANK[role] >= RANK[lowest];
}

export function isDangerous(command: unknown): boolean {
  return typeof command === 'string' && command in DANGEROUS;
}

export function higher(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[a] >= RANK[b] ? a : b;
}
