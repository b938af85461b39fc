/**
 * Which one action an overview row offers: Start for a managed VM whose QEMU is not running (shut off), else
 * Pause or Resume, whichever the run state allows (a sleeping guest is woken rather than paused).
 */
import type { Vm } from '@qmpdeck/protocol';
import { VM_ACTIONS, type VmAction } from '../vm/actions/vm-actions.ts';

function action(id: VmAction['id']): VmAction {
  const found = VM_ACTIONS.find((item) => item.id === id);
  if (!found) throw new Error(`no VM action ${id}`);
  return found;
}

const start = action('start');
const resume = action('resume');
const pause = action('pause');

export interface QuickChoice {
  action: VmAction;
  enabled: boolean;
}

export function quickActionFor(vm: Vm): QuickChoice {
  if (vm.managed === true && vm.connection === 'stopped')
    return { action: start, enabled: start.enabled(vm) };
  const canResume = resume.enabled(vm);
  const canPause = pause.enabled(vm) && !(vm.status === 'suspended' && canResume);
  if (canPause) return { action: pause, enabled: true };
  return { action: resume, enabled: canResume };
}
