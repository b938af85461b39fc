/**
 * A tiny RFB client for tests and the bench: over the bridge's VNC WebSocket or straight to QEMU's socket, it does
 * the RFB 3.8 handshake (security None), sets a raw 32-bit pixel format, asks for framebuffer updates and reads
 * them whole. It types with KeyEvents (keysyms, Shift where a US keyboard needs it).
 */
import { createConnection, type Socket } from 'node:net';
import type { QmpAddress } from '@qmpdeck/qmp';
import WebSocket from 'ws';
import {
  framebufferUpdateRequest,
  handshake,
  keyEvent,
  setEncodings,
  setPixelFormat,
} from './rfb-messages.ts';

const ENCODING_RAW = 0;
const ENCODING_DESKTOP_SIZE = -223;
const BYTES_PER_PIXEL = 4;
const XK_SHIFT_L = 0xffe1;
const XK_RETURN = 0xff0d;
/** US layout: characters typed with Shift held. */
const SHIFTED = new Set('~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ');

export interface FramebufferUpdate {
  rectangles: number;
  /** Pixel bytes received. */
  bytes: number;
  receivedAt: number;
}

interface Transport {
  send(bytes: Buffer): void;
  close(): void;
}

export class RfbTestClient {
  readonly #transport: Transport;
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  #wake: (() => void) | null = null;
  #ended: Error | null = null;
  readonly #updateWaiters: ((update: FramebufferUpdate) => void)[] = [];
  /** The first 12 bytes the server sent. */
  greeting = '';
  width = 0;
  height = 0;
  name = '';
  updates = 0;
  /** Set when the connection ended: the WebSocket close code and reason, or the socket's end. */
  closed: { code: number; reason: string } | null = null;

  private constructor(transport: (client: RfbTestClient) => Transport) {
    this.#transport = transport(this);
  }

  /** Through the bridge: `url` is the bridge's http URL, `path` the route. */
  static async overWebSocket(
    url: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<RfbTestClient> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { headers, perMessageDeflate: false });
    const client = new RfbTestClient((self) => {
      ws.on('message', (data: Buffer) => self.#received(data));
      ws.on('close', (code, reason) => self.#end({ code, reason: String(reason) }));
      return { send: (bytes) => ws.send(bytes, { binary: true }), close: () => ws.close() };
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return client;
  }

  /** Straight to QEMU's VNC socket (the bench's baseline). */
  static async overSocket(address: QmpAddress): Promise<RfbTestClient> {
    const socket: Socket = createConnection(address);
    socket.setNoDelay(true);
    const client = new RfbTestClient((self) => {
      socket.on('data', (data: Buffer) => self.#received(data));
      socket.on('close', () => self.#end({ code: 0, reason: 'socket closed' }));
      socket.on('error', () => {});
      return { send: (bytes) => socket.write(bytes), close: () => socket.destroy() };
    });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return client;
  }

  /** Reads the greeting only (nothing sent). */
  async readGreeting(): Promise<string> {
    this.greeting = (await this.#read(12)).toString('latin1');
    return this.greeting;
  }

  /** RFB 3.8 with security None, then ClientInit (`shared` as asked) and ServerInit; raw pixels from then on. */
  async handshake(options: { shared: boolean }): Promise<void> {
    if (this.greeting === '') await this.readGreeting();
    this.send(handshake.version());
    const types = await this.#read((await this.#read(1))[0] as number);
    if (!types.includes(1)) throw new Error(`the server offers no security None: ${[...types]}`);
    this.send(handshake.security(1));
    const result = (await this.#read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`security handshake failed: ${result}`);
    this.send(handshake.clientInit(options.shared));
    const init = await this.#read(24);
    this.width = init.readUInt16BE(0);
    this.height = init.readUInt16BE(2);
    this.name = (await this.#read(init.readUInt32BE(20))).toString('utf8');
    this.send(setPixelFormat());
    this.send(setEncodings([ENCODING_RAW, ENCODING_DESKTOP_SIZE]));
    void this.#readMessages();
  }

  /** Asks for (part of) the screen and resolves with the next whole update. */
  requestUpdate(
    incremental: boolean,
    area = { x: 0, y: 0, width: this.width, height: this.height },
  ): Promise<FramebufferUpdate> {
    const next = this.nextUpdate();
    this.send(framebufferUpdateRequest(incremental, area.x, area.y, area.width, area.height));
    return next;
  }

  nextUpdate(): Promise<FramebufferUpdate> {
    return new Promise((resolve, reject) => {
      if (this.#ended) reject(this.#ended);
      else this.#updateWaiters.push(resolve);
    });
  }

  /** Types `text` on a US keyboard as KeyEvents, then Return when `enter`. */
  type(text: string, enter = true): void {
    for (const char of text) {
      const keysym = char.codePointAt(0) as number;
      const shift = SHIFTED.has(char);
      if (shift) this.send(keyEvent(XK_SHIFT_L, true));
      this.send(Buffer.concat([keyEvent(keysym, true), keyEvent(keysym, false)]));
      if (shift) this.send(keyEvent(XK_SHIFT_L, false));
    }
    if (enter) this.send(Buffer.concat([keyEvent(XK_RETURN, true), keyEvent(XK_RETURN, false)]));
  }

  send(bytes: Buffer): void {
    this.#transport.send(bytes);
  }

  close(): void {
    this.#transport.close();
  }

  /** Resolves when the connection has ended. */
  async whenClosed(): Promise<{ code: number; reason: string }> {
    while (this.closed === null) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.closed;
  }

  async #readMessages(): Promise<void> {
    try {
      for (;;) {
        const type = (await this.#read(1))[0];
        if (type === 0) await this.#readUpdate();
        else if (type === 1) {
          const header = await this.#read(5);
          await this.#read(6 * header.readUInt16BE(3));
        } else if (type === 2) {
          // Bell: nothing follows.
        } else if (type === 3) {
          const header = await this.#read(7);
          await this.#read(header.readUInt32BE(3));
        } else throw new Error(`unexpected server message ${type}`);
      }
    } catch (err) {
      this.#ended ??= err as Error;
    }
  }

  async #readUpdate(): Promise<void> {
    const rectangles = (await this.#read(3)).readUInt16BE(1);
    let bytes = 0;
    for (let i = 0; i < rectangles; i++) {
      const header = await this.#read(12);
      const width = header.readUInt16BE(4);
      const height = header.readUInt16BE(6);
      const encoding = header.readInt32BE(8);
      if (encoding === ENCODING_RAW) {
        const size = width * height * BYTES_PER_PIXEL;
        await this.#skip(size);
        bytes += size;
      } else if (encoding === ENCODING_DESKTOP_SIZE) {
        this.width = width;
        this.height = height;
      } else throw new Error(`unexpected encoding ${encoding}`);
    }
    this.updates++;
    const update = { rectangles, bytes, receivedAt: performance.now() };
    for (const waiter of this.#updateWaiters.splice(0)) waiter(update);
  }

  #received(data: Buffer): void {
    this.#chunks.push(data);
    this.#buffered += data.length;
    this.#wake?.();
  }

  #end(closed: { code: number; reason: string }): void {
    this.closed = closed;
    this.#ended ??= new Error(`connection closed: ${closed.code} ${closed.reason}`);
    this.#wake?.();
    this.#updateWaiters.length = 0;
  }

  async #waitFor(bytes: number): Promise<void> {
    while (this.#buffered < bytes) {
      if (this.closed !== null) throw this.#ended ?? new Error('closed');
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }

  async #read(bytes: number): Promise<Buffer> {
    await this.#waitFor(bytes);
    // Join only the chunks this read needs: pixel data queued behind a header is not copied.
    let joined = 0;
    let count = 0;
    while (joined < bytes) joined += (this.#chunks[count++] as Buffer).length;
    const data = count === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks.slice(0, count));
    this.#chunks.splice(0, count);
    if (data.length > bytes) this.#chunks.unshift(data.subarray(bytes));
    this.#buffered -= bytes;
    return data.subarray(0, bytes);
  }

  /** Consumes pixel data without gathering it (a 1024x768 update is 3 MiB). */
  async #skip(bytes: number): Promise<void> {
    let left = bytes;
    while (left > 0) {
      if (this.#buffered === 0) await this.#waitFor(1);
      const chunk = this.#chunks[0] as Buffer;
      if (chunk.length <= left) {
        this.#chunks.shift();
        left -= chunk.length;
        this.#buffered -= chunk.length;
      } else {
        this.#chunks[0] = chunk.subarray(left);
        this.#buffered -= left;
        left = 0;
      }
    }
  }
}
