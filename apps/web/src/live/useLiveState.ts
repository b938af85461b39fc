/** The socket's state, read from the cache where the socket writes it. */
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys.ts';
import { initialLiveState, type LiveState } from './live-state.ts';

export function useLiveState(): LiveState {
  const { data } = useQuery<LiveState>({
    queryKey: queryKeys.live(),
    queryFn: () => initialLiveState,
    enabled: false,
    initialData: initialLiveState,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
  return data;
}
