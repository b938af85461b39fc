/**
 * One browser's VNC connection (`GET /api/vms/:id/vnc`): a fresh connection to QEMU's VNC server per WebSocket,
 * bytes both ways as binary frames. QEMU's side passes untouched (its `RFB 003.008` greeting is the first thing the
 * browser reads); the browser's side passes the RFB client parser, which keeps the connection shared and removes a
 * view-only connection's input.
 *
 * Backpressure both ways, so a slow side never makes the bridge buffer without bound: while more than a high-water
 * mark waits to go to the browser, the bridge stops reading from QEMU (QEMU then sends that client fewer updates,
 * as it does for a slow direct client); while QEMU's socket is full, the bridge stops reading from the browser.
 */
import { createConnection, type Socket } from 'node:net';
import type { QmpAddress } from '@qmpdeck/qmp';
import type { WebSocket } from 'ws';
import type { Logger } from '../log.ts';
import { RfbClientParser, RfbStreamError } from './rfb-client-parser.ts';

/** Pause reading QEMU above this many bytes waiting for the browser; resume below a quarter of it. */
export const VNC_HIGH_WATER_BYTES = 1024 * 1024;

/** Close codes (RFC 6455): normal, going away, protocol error, unsupported data, server error. */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_SERVER_ERROR = 1011;
/** A close reason is at most 123 bytes. */
const MAX_REASON_BYTES = 123;

export interface VncProxyOptions {
  vmId: string;
  /** The bridge's id of this connection, for the log. */
  client: string;
  address: QmpAddress;
  /** May this connection type, point and paste (`console.input`)? */
  input: boolean;
  log: Logger;
  highWaterBytes?: number | undefined;
}

/** Pipes `ws` to a new connection to the VM's VNC server until either side closes. */
export function proxyVnc(ws: WebSocket, options: VncProxyOptions): void {
  const high = options.highWaterBytes ?? VNC_HIGH_WATER_BYTES;
  const low = high / 4;
  const parser = new RfbClientParser({ input: options.input });
  const qemu: Socket = createConnection(options.address);
  const where =
    'path' in options.address ? options.address.path : `${options.address.host}:${options.address.port}`;
  const context = { vm: options.vmId, client: options.client };
  /** Why the connection to QEMU could not be made; a reset once it was up is QEMU going away, not a failure. */
  let failure: string | null = null;
  let connected = false;
  qemu.once('connect', () => {
    connected = true;
  });

  const resumeQemuWhenDrained = () => {
    if (qemu.isPaused() && ws.bufferedAmount <= low) qemu.resume();
  };
  qemu.on('data', (chunk: Buffer) => {
    ws.send(chunk, { binary: true }, resumeQemuWhenDrained);
    if (ws.bufferedAmount > high) qemu.pause();
  });
  qemu.on('drain', () => ws.resume());
  qemu.on('error', (err: NodeJS.ErrnoException) => {
    if (connected) return;
    // The browser is told why, not where: a socket path is the host's business (the log has it).
    failure = `cannot reach the VM's VNC server (${err.code ?? err.message})`;
    options.log.warn({ ...context, to: where, code: err.code }, "cannot reach the VM's VNC server");
  });
  qemu.on('close', () => {
    options.log.debug({ ...context, droppedInput: parser.droppedInput, failure }, 'VNC connection ended');
    if (failure !== null) closeWith(ws, CLOSE_SERVER_ERROR, failure);
    else closeWith(ws, CLOSE_NORMAL, "the VM's VNC server closed the connection");
  });

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      closeWith(ws, CLOSE_UNSUPPORTED_DATA, 'the RFB stream goes in binary frames');
      qemu.destroy();
      return;
    }
    let parts: Buffer[];
    try {
      parts = parser.push(data);
    } catch (err) {
      if (!(err instanceof RfbStreamError)) throw err;
      options.log.info(
        { ...context, desc: err.desc },
        'VNC connection closed: the RFB stream cannot be followed',
      );
      closeWith(ws, CLOSE_PROTOCOL_ERROR, err.desc);
      qemu.destroy();
      return;
    }
    let full = false;
    for (const part of parts) full = !qemu.write(part) || full;
    if (full) ws.pause();
  });
  ws.on('close', () => qemu.destroy());
  options.log.debug({ ...context, input: options.input, to: where }, 'VNC connection opened');
}

function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return;
  ws.close(code, truncate(reason));
}

function truncate(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  return `${bytes
    .subarray(0, MAX_REASON_BYTES - 3)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}...`;
}
