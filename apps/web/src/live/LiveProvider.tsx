/**
 * Starts the tab's one LiveSocket and shares it with every view through
 * context; what it receives is written into the given QueryClient. When the
 * bridge ends the session (4401) the page is marked signed out; when an attempt
 * is refused before it opens, the session is asked again over HTTP, where a 401
 * can be told apart from a bridge that is away. A `hello` for another user than
 * the page's (a sign-in in another tab changed the cookie) has the session asked again.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import { checkHelloUser, markSignedOut } from '../api/session-cache.ts';
import { createCacheWriter } from './cache-writer.ts';
import { LiveSocket, type SocketLike } from './live-socket.ts';

const LiveContext = createContext<LiveSocket | null>(null);

export function liveSocketUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/ws`;
}

export function LiveProvider({
  children,
  createSocket,
}: {
  children: ReactNode;
  createSocket?: (url: string) => SocketLike;
}) {
  const queryClient = useQueryClient();
  const [socket] = useState(() => {
    const writer = createCacheWriter(queryClient);
    return new LiveSocket({
      url: liveSocketUrl(),
      onMessage: (message) => {
        if (message.type === 'hello') checkHelloUser(queryClient, message.user);
        writer.onMessage(message);
      },
      onState: writer.onState,
      onInvalid: (problem) => console.error(`QMP Deck: ${problem}`),
      onUnauthorized: () => markSignedOut(queryClient),
      onRefused: () => void queryClient.invalidateQueries({ queryKey: queryKeys.session() }),
      ...(createSocket ? { createSocket } : {}),
    });
  });
  useEffect(() => {
    socket.start();
    return () => socket.stop();
  }, [socket]);
  return <LiveContext.Provider value={socket}>{children}</LiveContext.Provider>;
}

export function useLiveSocket(): LiveSocket {
  const socket = useContext(LiveContext);
  if (!socket) throw new Error('useLiveSocket needs a <LiveProvider> above it');
  return socket;
}
