/**
 * The console's status line in words, from its link and the VM: connecting, connected, the VM is paused (the
 * screen keeps its last picture and input waits), reconnecting with the attempt count and when the next one
 * starts, what the bridge said when it refused (no display, no such port, the VM not connected), and why the VM
 * is unreachable when that is the reason.
 */
import type { Vm } from '@qmpdeck/protocol';
import { shownState } from '../../ui/vm-state-words.ts';
import type { LinkState } from './link/link-state.ts';

export type StatusTone = 'ok' | 'waiting' | 'problem';

export interface ConsoleStatus {
  tone: StatusTone;
  text: string;
  /** A wait the person may skip ("Reconnect now"). */
  canRetryNow: boolean;
}

const seconds = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))} s`;

/** What the VM's own state adds: why the picture does not move, or why the bridge cannot reach it. */
function vmNote(vm: Pick<Vm, 'connection' | 'status' | 'message'>): string | null {
  const state = shownState(vm);
  if (state === 'paused') return 'the VM is paused: the screen stays as it was until it runs';
  if (state === 'prelaunch') return 'the VM has not started yet (paused before boot)';
  if (state === 'shutdown') return 'the guest has shut down';
  if (state === 'stopped') return 'QEMU is not running';
  if (state === 'disconnected')
    return vm.message ? `the VM is unreachable: ${vm.message}` : 'the VM is unreachable';
  return null;
}

const join = (...parts: (string | null)[]) => parts.filter(Boolean).join(' · ');

export function consoleStatus(
  link: LinkState,
  vm: Pick<Vm, 'connection' | 'status' | 'message'>,
  now: number,
): ConsoleStatus {
  const note = vmNote(vm);
  const next = link.retryAt === null ? null : `next try in ${seconds(link.retryAt - now)}`;
  const said = link.problem ? link.problem.desc : null;
  switch (link.phase) {
    case 'connected':
      return { tone: note ? 'waiting' : 'ok', text: join('Connected', note), canRetryNow: false };
    case 'connecting':
      return {
        tone: 'waiting',
        text: join(
          link.attempt > 1 ? `Connecting… (attempt ${link.attempt})` : 'Connecting…',
          said,
          note,
          next,
        ),
        canRetryNow: link.retryAt !== null,
      };
    case 'reconnecting':
      return {
        tone: 'waiting',
        text: join(`Reconnecting… (attempt ${link.attempt})`, said, note, next),
        canRetryNow: link.retryAt !== null,
      };
    case 'unavailable':
      return {
        tone: 'problem',
        text: join(said ?? 'Not available', note),
        canRetryNow: link.retryAt !== null,
      };
    case 'stopped':
      return { tone: 'waiting', text: 'Closed', canRetryNow: false };
  }
}
