/**
 * The one way the page sends a command to a VM, whatever control asked: the
 * action bar, the overview's quick and bulk actions, the command form, the
 * console and the Info tab's queries. Everything goes over the tab's one
 * socket: QMP commands, guest agent commands (`target: 'guest'`) and the
 * bridge's own actions on a managed VM (`target: 'bridge'`, `vm.start`,
 * `vm.kill`). Every failure comes back as a RequestError with a class and a desc.
 */
import { useCallback } from 'react';
import { toRequestError } from '../api/request-error.ts';
import { useLiveSocket } from './LiveProvider.tsx';
import type { SocketCommand } from './live-socket.ts';

export type VmCommand = SocketCommand;

export type Execute = (command: VmCommand) => Promise<unknown>;

export function useExecute(): Execute {
  const socket = useLiveSocket();
  return useCallback(
    async (command: VmCommand) => {
      try {
        return await socket.execute(command);
      } catch (error) {
        throw toRequestError(error);
      }
    },
    [socket],
  );
}
