/**
 * The pipeline's check step: refuses, as `BadRequest` with a clear desc, what no target could run: a name that is
 * not of the target's form, and arguments nested deeper than anything QMP needs (a hostile 200,000-level object
 * would otherwise overflow the stack when the command is serialised).
 */
import { badRequest } from '../bridge-error.ts';
import { type CommandRequest, isBridgeAction, isBridgeWideAction } from './command-request.ts';

export const MAX_ARGUMENT_DEPTH = 64;

/** QAPI names: a letter, then letters, digits, `-` and `_`, optionally behind a `__vendor.example_` prefix. */
const QMP_COMMAND = /^(__[A-Za-z0-9.-]+_)?[A-Za-z][A-Za-z0-9_-]*$/;
/** Agent commands are all `guest-*`; anything else is a mistake (a QMP command sent to the agent). */
const GUEST_COMMAND = /^guest-[a-z0-9-]+$/;

/** Whether QEMU could have a command of this name (the QMP proxy answers others as QEMU does: not found). */
export function isQmpCommandName(name: string): boolean {
  return QMP_COMMAND.test(name);
}

export function checkRequest(request: CommandRequest): void {
  checkCommandName(request);
  checkArgumentDepth(request.arguments);
}

export function checkCommandName({ target, command, vm }: CommandRequest): void {
  if (vm === null) {
    if (target !== 'bridge' || !isBridgeWideAction(command)) {
      throw badRequest(`"${command}" needs a VM`);
    }
    return;
  }
  if (target === 'qmp' && !QMP_COMMAND.test(command)) {
    throw badRequest(`"${command}" is not a QMP command name (letters, digits, "-" and "_")`);
  }
  if (target === 'guest' && !GUEST_COMMAND.test(command)) {
    throw badRequest(`"${command}" is not a guest agent command (they are named guest-*)`);
  }
  if (target === 'bridge' && !isBridgeAction(command)) {
    throw badRequest(`"${command}" is not an action of the bridge`);
  }
}

export function checkArgumentDepth(args: unknown): void {
  const depth = nestingDepth(args, MAX_ARGUMENT_DEPTH + 1);
  if (depth > MAX_ARGUMENT_DEPTH) {
    throw badRequest(
      `"arguments" is nested more than ${MAX_ARGUMENT_DEPTH} levels deep; QMP commands need far fewer`,
    );
  }
}

/**
 * How deeply objects and arrays nest in `value` (a plain value is 0, `{}` is 1, `{a:{}}` is 2), counted without
 * recursion and giving up at `stopAt`, so a hostile value costs no more than that many levels to look at.
 */
export function nestingDepth(value: unknown, stopAt = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest >= stopAt) return deepest;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return deepest;
}
