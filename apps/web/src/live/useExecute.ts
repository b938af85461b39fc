/**
 * A QMP command over the socket as a mutation: pending/result/error states for
 * the button that sent it, and the error always an RequestError with class + desc.
 */
import { useMutation } from '@tanstack/react-query';
import { type RequestError, toRequestError } from '../api/request-error.ts';
import { useLiveSocket } from './LiveProvider.tsx';
import type { ExecuteRequest } from './live-socket.ts';

export function useExecute() {
  const socket = useLiveSocket();
  return useMutation<unknown, RequestError, ExecuteRequest>({
    mutationFn: async (request) => {
      try {
        return await socket.execute(request);
      } catch (error) {
        throw toRequestError(error);
      }
    },
  });
}
