/**
 * A Hardware tab action: runs, then asks for the hardware list again (QEMU's own events refresh it too, but a
 * `set_link` or a hot-plug emits none), and keeps its outcome for the row that ran it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../../api/request-error.ts';

export function useHardwareAction<T>(vmId: string, run: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation<unknown, RequestError, T>({
    mutationFn: async (input) => {
      try {
        return await run(input);
      } catch (error) {
        throw toRequestError(error);
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.hardware(vmId) }),
  });
}
