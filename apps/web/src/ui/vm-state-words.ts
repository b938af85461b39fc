/**
 * A VM's state in plain words, with the term QEMU (or the bridge) uses for it
 * beside them: "Not started (prelaunch)", "Shut off (stopped)". The term is
 * what people search for and scripts read (`data-testid="vm-status"`); the
 * words and the explanation are for a person who has not learnt QEMU's yet.
 */
import type { RunState, Vm } from '@qmpdeck/protocol';

/** What the badge shows: QEMU's run state while connected, else the bridge's word for why not. */
export type ShownState = RunState | 'stopped' | 'disconnected' | 'unknown';

export interface StateWords {
  term: ShownState;
  label: string;
  explanation: string;
}

const WORDS: Record<ShownState, Omit<StateWords, 'term'>> = {
  running: { label: 'Running', explanation: 'The guest is running.' },
  paused: { label: 'Paused', explanation: "The guest's CPUs are stopped; Resume continues where it was." },
  prelaunch: {
    label: 'Not started',
    explanation:
      'QEMU is up but the guest has not booted yet (QEMU was started with -S, or reset while paused). Resume boots it.',
  },
  suspended: { label: 'Asleep', explanation: 'The guest is asleep (ACPI S3); Resume wakes it.' },
  shutdown: {
    label: 'Shut down',
    explanation:
      'The guest shut down and QEMU kept running (-no-shutdown); Reset, then Resume, boots it again.',
  },
  'guest-panicked': { label: 'Crashed', explanation: 'The guest kernel panicked.' },
  'internal-error': { label: 'Failed', explanation: 'QEMU hit an internal error and stopped the VM.' },
  'io-error': {
    label: 'Disk error',
    explanation: 'A disk error stopped the VM; Resume retries once it is fixed.',
  },
  watchdog: { label: 'Watchdog fired', explanation: "The guest's watchdog fired and stopped the VM." },
  inmigrate: { label: 'Incoming migration', explanation: 'Waiting for a migration into this QEMU.' },
  postmigrate: { label: 'Migrated', explanation: 'The VM migrated away; this copy is stopped.' },
  'finish-migrate': { label: 'Migrating', explanation: 'Finishing a migration.' },
  'save-vm': { label: 'Saving', explanation: 'Saving a snapshot.' },
  'restore-vm': { label: 'Restoring', explanation: 'Restoring a snapshot.' },
  debug: { label: 'Debugging', explanation: 'Stopped by a debugger.' },
  colo: { label: 'COLO', explanation: 'Running under COLO fault tolerance.' },
  stopped: { label: 'Shut off', explanation: 'QEMU is not running. Start launches it.' },
  disconnected: {
    label: 'Unreachable',
    explanation: "The bridge cannot reach this VM's QMP monitor now; it keeps trying.",
  },
  unknown: { label: 'Unknown', explanation: 'Connected, but QEMU has not said its run state yet.' },
};

/** The state the badge shows: a managed VM whose QEMU is not running is `stopped`; any other lost link, `disconnected`. */
export function shownState(vm: Pick<Vm, 'connection' | 'status'>): ShownState {
  if (vm.connection === 'stopped') return 'stopped';
  if (vm.connection !== 'connected') return 'disconnected';
  return vm.status ?? 'unknown';
}

export function stateWords(vm: Pick<Vm, 'connection' | 'status'>): StateWords {
  const term = shownState(vm);
  return { term, ...WORDS[term] };
}

export function wordsForTerm(term: ShownState): StateWords {
  return { term, ...WORDS[term] };
}
