/** How the one WebSocket to the bridge stands; kept in the query cache under `queryKeys.live()`. */
export interface LiveState {
  status: 'connecting' | 'open' | 'closed';
  /** True once the socket has been open at least once (the banner says "lost" rather than "cannot reach"). */
  everOpen: boolean;
  /** When the next reconnect attempt happens (ms since the epoch), while closed. */
  retryAt: number | null;
  /** The bridge's version from its `hello`. */
  bridgeVersion: string | null;
}

export const initialLiveState: LiveState = {
  status: 'connecting',
  everOpen: false,
  retryAt: null,
  bridgeVersion: null,
};
