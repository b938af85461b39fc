/**
 * A command's arguments with their secrets replaced by "<redacted>", before they are stored (the audit log, the
 * cause of an event) or shown to other clients (the in-flight list). QEMU itself always gets them as sent.
 *
 * Redacted, at any depth: values of keys named `password`, `secret`, `token`, `key`, `passphrase`, `iv` (any
 * case); `data` of a secret object being created (`object-add` with `qom-type: secret*`, whose `data` is the
 * secret itself); and a `human-monitor-command` line that mentions a password or secret (`change vnc password
 * x`, `object_add secret,...`), whole, since a monitor line has no structure to redact inside; and in a VM
 * definition (`vm.create`, `vm.define`), the values of secret-bearing QEMU options in `extraArgs`
 * (`-object secret,id=s0,data=...`), as QEMU's command line is redacted in the log.
 */
import { MAX_ARGUMENT_DEPTH, nestingDepth } from '../commands/check-request.ts';
import { redactArgv } from '../launch/redact-argv.ts';

/** Commands whose arguments are a VM definition, with QEMU arguments of its own (`extraArgs`). */
const DEFINITION_COMMANDS = new Set(['vm.create', 'vm.define']);

export const REDACTED = '<redacted>';

const SECRET_KEYS = new Set(['password', 'secret', 'token', 'key', 'passphrase', 'iv']);
const SECRET_WORDS = /password|secret/i;

export function redactArguments(
  command: string,
  args: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  if (args === null || args === undefined) return null;
  // Refused by the pipeline's check (too deep to be QMP); not walked recursively, not kept.
  if (nestingDepth(args, MAX_ARGUMENT_DEPTH + 1) > MAX_ARGUMENT_DEPTH) return null;
  if (DEFINITION_COMMANDS.has(command) && Array.isArray(args.extraArgs)) {
    const extraArgs = args.extraArgs.map((arg) => (typeof arg === 'string' ? redactArgv([arg])[0] : arg));
    return redactArguments('', { ...args, extraArgs });
  }
  if (!mayHoldSecret(args)) return args;
  const redacted = redactValue(args) as Record<string, unknown>;
  if (command === 'human-monitor-command' && typeof args['command-line'] === 'string') {
    if (SECRET_WORDS.test(args['command-line'])) redacted['command-line'] = REDACTED;
  }
  return redacted;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const secretObject = typeof record['qom-type'] === 'string' && record['qom-type'].startsWith('secret');
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(record)) {
    if (SECRET_KEYS.has(name.toLowerCase()) || (secretObject && name === 'data')) out[name] = REDACTED;
    else out[name] = redactValue(child);
  }
  return out;
}

/**
 * Most arguments (`{ "device": "cd0" }`) have nothing to redact: a quick look at the keys and the strings saves
 * the copy. Errs on the side of copying: any key that could matter, at any depth, sends it to `redactValue`.
 */
function mayHoldSecret(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (SECRET_WORDS.test(current)) return true;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    for (const [name, child] of Object.entries(current)) {
      if (SECRET_KEYS.has(name.toLowerCase()) || name === 'data' || name === 'qom-type') return true;
      pending.push(child);
    }
  }
  return false;
}
