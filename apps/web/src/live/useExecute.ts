/**
 * The one way the page sends a command to a VM, whatever control asked: the
 * action bar, the overview's quick and bulk actions, the command form, the
 * console and the Info tab's queries. QMP and guest agent commands go over the
 * tab's one socket; the bridge's own actions on a managed VM (`vm.start`,
 * `vm.kill`, named as the bridge names them in its in-flight list) go to their
 * HTTP routes, since the socket protocol has no message for them yet. Every
 * failure comes back as a RequestError with a class and a desc.
 */
import { useCallback } from 'react';
import { toRequestError } from '../api/request-error.ts';
import { killVm, startVm } from '../api/vms.ts';
import { useLiveSocket } from './LiveProvider.tsx';
import type { SocketCommand } from './live-socket.ts';

/** An action the bridge performs itself on a managed VM; it never reaches QEMU's monitor. */
export interface BridgeAction {
  vm: string;
  target: 'bridge';
  execute: 'vm.start' | 'vm.kill';
  origin?: string;
}

export type VmCommand = SocketCommand | BridgeAction;

export type Execute = (command: VmCommand) => Promise<unknown>;

function isBridgeAction(command: VmCommand): command is BridgeAction {
  return command.target === 'bridge';
}

function runBridgeAction(action: BridgeAction): Promise<unknown> {
  return action.execute === 'vm.start' ? startVm(action.vm) : killVm(action.vm);
}

export function useExecute(): Execute {
  const socket = useLiveSocket();
  return useCallback(
    async (command: VmCommand) => {
      try {
        return await (isBridgeAction(command) ? runBridgeAction(command) : socket.execute(command));
      } catch (error) {
        throw toRequestError(error);
      }
    },
    [socket],
  );
}
