/**
 * One attempt of a serial port's connection: a WebSocket on the bridge's `/serial/:name`, the port's bytes as
 * binary frames both ways. The bridge holds the one connection QEMU allows and shares it; each new WebSocket
 * first receives the port's last screenful (the replay), then what the guest writes.
 */
import type { AttemptHandlers, LinkAttempt } from '../link/reconnecting-link.ts';

export interface SerialSocket {
  send(bytes: Uint8Array<ArrayBuffer>): void;
}

export interface SerialAttemptOptions {
  url: string;
  handlers: AttemptHandlers;
  /** The open socket, and null once it is gone. */
  onSocket(socket: SerialSocket | null): void;
  onBytes(bytes: Uint8Array): void;
  createSocket?: (url: string) => WebSocket;
}

const encoder = new TextEncoder();

export function openSerialAttempt(options: SerialAttemptOptions): LinkAttempt {
  const { url, handlers, onSocket, onBytes, createSocket = (u) => new WebSocket(u) } = options;
  const socket = createSocket(url);
  socket.binaryType = 'arraybuffer';
  let live = true;
  socket.onopen = () => {
    if (!live) return;
    onSocket({
      send: (bytes) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
      },
    });
    handlers.opened();
  };
  socket.onmessage = (event: MessageEvent) => {
    if (!live) return;
    const data: unknown = event.data;
    if (data instanceof ArrayBuffer) onBytes(new Uint8Array(data));
    else if (typeof data === 'string') onBytes(encoder.encode(data));
  };
  socket.onclose = () => {
    if (!live) return;
    live = false;
    onSocket(null);
    handlers.closed();
  };
  return {
    close: () => {
      if (!live) return;
      live = false;
      onSocket(null);
      socket.close(1000, 'console closed');
    },
  };
}
