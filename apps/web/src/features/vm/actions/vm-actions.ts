/**
 * Every action of the VM page's header: what it sends, from which control,
 * when the VM's state allows it, and whether it needs a confirmation because
 * it can lose guest state. The buttons are generated from this table.
 */
import type { BridgeAction, Vm } from '@qmpdeck/protocol';
import type { QmpCommandName } from '@qmpdeck/qmp';
import type { VmCommand } from '../../../live/useExecute.ts';

export type ActionId = 'resume' | 'pause' | 'reset' | 'powerdown' | 'quit' | 'start' | 'stop' | 'kill';

export interface VmAction {
  id: ActionId;
  /** The button's accessible name. */
  label: string;
  /**
   * The QMP command it sends (`whenSuspended` instead while the guest sleeps in ACPI S3), or the bridge's own
   * action on a managed VM, which never goes through QEMU's monitor (so it works while the monitor hangs).
   */
  run: { qmp: QmpCommandName; whenSuspended?: QmpCommandName } | { bridge: BridgeAction };
  /** Shown as the cause of the events it produces. */
  origin: string;
  confirm?: { title: string; body: string; confirmLabel: string };
  intent: 'default' | 'primary' | 'danger';
  enabled(vm: Vm): boolean;
  /** Only shown for VMs whose QEMU the bridge launches. */
  managedOnly?: boolean;
  /** Shown only while it can be used: Start and Kill share one place (QEMU is either running or not). */
  onlyWhenEnabled?: boolean;
}

const connected = (vm: Vm) => vm.connection === 'connected';
/** States `cont` can leave (it cannot leave `running`, a migration in progress, or S3 sleep). */
const RESUMABLE = new Set([
  'paused',
  'prelaunch',
  'debug',
  'io-error',
  'watchdog',
  'guest-panicked',
  'shutdown',
]);
export const processRunning = (vm: Pick<Vm, 'process'>) =>
  vm.process?.state === 'running' || vm.process?.state === 'starting';

export const VM_ACTIONS: readonly VmAction[] = [
  {
    id: 'resume',
    label: 'Resume',
    // `cont` cannot leave S3 sleep; waking the guest is what a person pressing Resume then means.
    run: { qmp: 'cont', whenSuspended: 'system_wakeup' },
    origin: 'Resume button',
    intent: 'primary',
    enabled: (vm) => connected(vm) && (RESUMABLE.has(vm.status ?? '') || vm.status === 'suspended'),
  },
  {
    id: 'pause',
    label: 'Pause',
    run: { qmp: 'stop' },
    origin: 'Pause button',
    intent: 'default',
    enabled: (vm) => connected(vm) && (vm.status === 'running' || vm.status === 'suspended'),
  },
  {
    id: 'reset',
    label: 'Reset',
    run: { qmp: 'system_reset' },
    origin: 'Reset button',
    intent: 'default',
    confirm: {
      title: 'Reset this VM?',
      body: 'Like pressing the reset button of a real machine: the guest restarts at once and loses what it has not saved.',
      confirmLabel: 'Reset now',
    },
    enabled: connected,
  },
  {
    id: 'powerdown',
    label: 'Power down',
    run: { qmp: 'system_powerdown' },
    origin: 'Power down button',
    intent: 'default',
    confirm: {
      title: 'Power down this VM?',
      body: 'Presses the ACPI power button: a guest that listens shuts down cleanly; programs in it are ended.',
      confirmLabel: 'Power down now',
    },
    enabled: (vm) => connected(vm) && vm.status === 'running',
  },
  {
    id: 'quit',
    label: 'Quit',
    run: { qmp: 'quit' },
    origin: 'Quit button',
    intent: 'danger',
    confirm: {
      title: 'Quit QEMU?',
      body: 'QEMU exits at once, like pulling the power cord: the guest loses everything not written to disk.',
      confirmLabel: 'Quit QEMU',
    },
    enabled: connected,
  },
  {
    id: 'start',
    label: 'Start',
    run: { bridge: 'vm.start' },
    origin: 'Start button',
    intent: 'primary',
    managedOnly: true,
    onlyWhenEnabled: true,
    enabled: (vm) => !processRunning(vm),
  },
  {
    id: 'stop',
    label: 'Stop',
    // The bridge's stop: the power button, then `quit` when the guest has not shut down in time, then a kill,
    // each step in the timeline. Power down stays for a press of the button alone, Kill for pulling the plug.
    run: { bridge: 'vm.stop' },
    origin: 'Stop button',
    intent: 'default',
    managedOnly: true,
    onlyWhenEnabled: true,
    confirm: {
      title: 'Stop this VM?',
      body: 'Presses the ACPI power button so the guest shuts down cleanly; if it has not after a minute, QEMU is told to quit, then killed.',
      confirmLabel: 'Stop now',
    },
    enabled: processRunning,
  },
  {
    id: 'kill',
    label: 'Kill',
    run: { bridge: 'vm.kill' },
    origin: 'Kill button',
    intent: 'danger',
    managedOnly: true,
    onlyWhenEnabled: true,
    confirm: {
      title: 'Kill QEMU?',
      body: 'Sends SIGKILL to the QEMU process: the guest stops instantly and loses everything not written to disk.',
      confirmLabel: 'Kill QEMU',
    },
    enabled: processRunning,
  },
];

export function actionsFor(vm: Vm): readonly VmAction[] {
  return VM_ACTIONS.filter((action) => !action.managedOnly || vm.managed === true);
}

/** The buttons the bar shows for this VM now. */
export function shownActions(vm: Vm): readonly VmAction[] {
  return actionsFor(vm).filter((action) => !action.onlyWhenEnabled || action.enabled(vm));
}

/** The QMP command an action sends to this VM now, or null for the bridge's own actions. */
export function qmpCommandFor(action: VmAction, vm: Pick<Vm, 'status'>): QmpCommandName | null {
  if (!('qmp' in action.run)) return null;
  if (vm.status === 'suspended' && action.run.whenSuspended) return action.run.whenSuspended;
  return action.run.qmp;
}

/** True for actions the bridge performs itself (start, kill): they never wait behind QEMU's monitor. */
export function isBridgeAction(action: VmAction): boolean {
  return 'bridge' in action.run;
}

/** What pressing the action on this VM now sends. */
export function commandFor(action: VmAction, vm: Pick<Vm, 'id' | 'status'>): VmCommand {
  if ('bridge' in action.run) {
    return { vm: vm.id, target: 'bridge', execute: action.run.bridge, origin: action.origin };
  }
  return { vm: vm.id, execute: qmpCommandFor(action, vm) ?? action.run.qmp, origin: action.origin };
}
