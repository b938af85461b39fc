/**
 * The browser -> QEMU half of a VNC connection, read message by message (RFB 3.7/3.8, RFC 6143 plus the
 * extensions noVNC 1.7 speaks), so the proxy can decide per message what QEMU gets:
 *
 * - ClientInit's shared flag is always 1: a browser asking for exclusive access would disconnect everyone else
 *   watching the VM (QEMU drops shared clients when an exclusive one arrives).
 * - A connection without `input` (a viewer) has its KeyEvent, PointerEvent, ClientCutText, QEMU extended key
 *   events, SetDesktopSize (it resizes the guest's screen for everyone) and xvp (power actions) removed; the rest
 *   (pixel format, encodings, update requests, fences, audio) passes byte for byte, so the view keeps updating.
 * - SetEncodings loses ExtendedMouseButtons (-316): once a server accepts it, a PointerEvent with its high bit set
 *   is 7 bytes instead of 6, and only the server's side of the stream says whether it accepted. Without it every
 *   message's length follows from the client's bytes alone.
 *
 * A message may arrive split over any number of chunks, and a chunk may hold several. A message type the parser
 * does not know cannot be framed, so it ends the connection (`RfbStreamError`), as a security type that encrypts
 * the stream (VeNCrypt, SASL) does. ClientCutText over 1 MiB is refused before it is buffered (QEMU refuses it too).
 */

export class RfbStreamError extends Error {
  override readonly name = 'RfbStreamError';
  readonly class = 'BadRequest';
  constructor(readonly desc: string) {
    super(desc);
  }
}

export interface RfbClientParserOptions {
  /** May this connection type, point and paste? */
  input: boolean;
  /** ClientCutText payloads above this end the connection; default 1 MiB, QEMU's own limit. */
  maxCutTextBytes?: number;
}

/** Client message types (RFC 6143 7.5 and the registered extensions). */
export const RfbClientMessage = {
  SetPixelFormat: 0,
  SetEncodings: 2,
  FramebufferUpdateRequest: 3,
  KeyEvent: 4,
  PointerEvent: 5,
  ClientCutText: 6,
  EnableContinuousUpdates: 150,
  ClientFence: 248,
  Xvp: 250,
  SetDesktopSize: 251,
  Qemu: 255,
} as const;

/** Submessages of the QEMU client message (255). */
export const QemuClientMessage = { ExtendedKeyEvent: 0, Audio: 1 } as const;
const QemuAudioOperation = { Enable: 0, Disable: 1, SetFormat: 2 } as const;

export const SECURITY_NONE = 1;
export const SECURITY_VNC_AUTH = 2;
/** ExtendedMouseButtons: see the file comment. */
export const ENCODING_EXTENDED_MOUSE_BUTTONS = -316;

const VERSION_BYTES = 12;
const VNC_AUTH_RESPONSE_BYTES = 16;
const DEFAULT_MAX_CUT_TEXT = 1024 * 1024;
const SUPPORTED_VERSION = /^RFB 003\.00[78]\n$/;

type Stage = 'version' | 'security' | 'vnc-auth' | 'client-init' | 'messages';

/** What to do with one whole message: pass it, drop it, or send other bytes in its place. */
type Verdict = 'forward' | 'drop' | Buffer;

export class RfbClientParser {
  readonly #input: boolean;
  readonly #maxCutText: number;
  #stage: Stage = 'version';
  /** The start of a message that has not fully arrived yet (copied out of its chunk). */
  #pending: Buffer | null = null;
  /** Messages removed because the connection may not send input. */
  droppedInput = 0;

  constructor(options: RfbClientParserOptions) {
    this.#input = options.input;
    this.#maxCutText = options.maxCutTextBytes ?? DEFAULT_MAX_CUT_TEXT;
  }

  /** Past the handshake: the client's normal messages flow. */
  get initialised(): boolean {
    return this.#stage === 'messages';
  }

  /**
   * The bytes to send to the server for this chunk, in order: slices of the chunk where whole messages pass, new
   * buffers where one was rewritten. Bytes of an unfinished message are kept until it is complete. Throws
   * `RfbStreamError` when the stream cannot be framed; the connection must end then.
   */
  push(chunk: Buffer): Buffer[] {
    const data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = null;
    const out: Buffer[] = [];
    let pos = 0;
    let runStart = 0;
    for (;;) {
      const length = this.#messageLength(data, pos);
      if (length === null || pos + length > data.length) break;
      const verdict = this.#verdict(data.subarray(pos, pos + length));
      if (verdict !== 'forward') {
        if (pos > runStart) out.push(data.subarray(runStart, pos));
        if (verdict !== 'drop') out.push(verdict);
        runStart = pos + length;
      }
      pos += length;
    }
    if (pos > runStart) out.push(data.subarray(runStart, pos));
    if (pos < data.length) this.#pending = Buffer.from(data.subarray(pos));
    return out;
  }

  /** The whole length of the message starting at `pos`, or null while its header has not all arrived. */
  #messageLength(data: Buffer, pos: number): number | null {
    const available = data.length - pos;
    if (available <= 0) return null;
    switch (this.#stage) {
      case 'version':
        return VERSION_BYTES;
      case 'security':
      case 'client-init':
        return 1;
      case 'vnc-auth':
        return VNC_AUTH_RESPONSE_BYTES;
      case 'messages':
        return this.#clientMessageLength(data, pos, available);
    }
  }

  #clientMessageLength(data: Buffer, pos: number, available: number): number | null {
    const type = data[pos] as number;
    const need = (bytes: number, length: () => number | null): number | null =>
      available < bytes ? null : length();
    switch (type) {
      case RfbClientMessage.SetPixelFormat:
        return 20;
      case RfbClientMessage.SetEncodings:
        return need(4, () => 4 + 4 * data.readUInt16BE(pos + 2));
      case RfbClientMessage.FramebufferUpdateRequest:
        return 10;
      case RfbClientMessage.KeyEvent:
        return 8;
      case RfbClientMessage.PointerEvent:
        return 6;
      case RfbClientMessage.ClientCutText:
        return need(8, () => 8 + this.#cutTextBytes(data.readInt32BE(pos + 4)));
      case RfbClientMessage.EnableContinuousUpdates:
        return 10;
      case RfbClientMessage.ClientFence:
        return need(9, () => 9 + (data[pos + 8] as number));
      case RfbClientMessage.Xvp:
        return 4;
      case RfbClientMessage.SetDesktopSize:
        return need(7, () => 8 + 16 * (data[pos + 6] as number));
      case RfbClientMessage.Qemu:
        return need(2, () => qemuMessageLength(data, pos, available));
      default:
        throw new RfbStreamError(`unknown RFB client message type ${type}; the stream cannot be followed`);
    }
  }

  /** ClientCutText's length: negative for the extended clipboard format (its absolute value), checked early. */
  #cutTextBytes(length: number): number {
    const bytes = Math.abs(length);
    if (bytes > this.#maxCutText) {
      throw new RfbStreamError(`clipboard text of ${bytes} bytes is over the ${this.#maxCutText}-byte limit`);
    }
    return bytes;
  }

  #verdict(message: Buffer): Verdict {
    switch (this.#stage) {
      case 'version':
        return this.#version(message);
      case 'security':
        return this.#security(message[0] as number);
      case 'vnc-auth':
        this.#stage = 'client-init';
        return 'forward';
      case 'client-init':
        this.#stage = 'messages';
        // Shared, whatever the browser asked: an exclusive client would disconnect everyone else.
        return message[0] === 1 ? 'forward' : Buffer.from([1]);
      case 'messages':
        return this.#messageVerdict(message);
    }
  }

  #version(message: Buffer): Verdict {
    const version = message.toString('latin1');
    if (!SUPPORTED_VERSION.test(version)) {
      throw new RfbStreamError(
        `unsupported RFB version ${JSON.stringify(version)}; the proxy speaks RFB 3.7 and 3.8`,
      );
    }
    this.#stage = 'security';
    return 'forward';
  }

  #security(type: number): Verdict {
    if (type === SECURITY_NONE) this.#stage = 'client-init';
    else if (type === SECURITY_VNC_AUTH) this.#stage = 'vnc-auth';
    else {
      throw new RfbStreamError(
        `security type ${type} cannot be proxied (only None and VNC authentication keep the stream readable)`,
      );
    }
    return 'forward';
  }

  #messageVerdict(message: Buffer): Verdict {
    const type = message[0] as number;
    if (type === RfbClientMessage.SetEncodings) return withoutExtendedMouseButtons(message);
    if (this.#input || !isInput(message)) return 'forward';
    this.droppedInput++;
    return 'drop';
  }
}

/** Messages that act on the guest rather than on this connection's view of it. */
function isInput(message: Buffer): boolean {
  switch (message[0]) {
    case RfbClientMessage.KeyEvent:
    case RfbClientMessage.PointerEvent:
    case RfbClientMessage.ClientCutText:
    case RfbClientMessage.Xvp:
    case RfbClientMessage.SetDesktopSize:
      return true;
    case RfbClientMessage.Qemu:
      return message[1] === QemuClientMessage.ExtendedKeyEvent;
    default:
      return false;
  }
}

/** QEMU's client message (255): extended key event (12 bytes) or audio (4 bytes, 10 to set the format). */
function qemuMessageLength(data: Buffer, pos: number, available: number): number | null {
  const submessage = data[pos + 1] as number;
  if (submessage === QemuClientMessage.ExtendedKeyEvent) return 12;
  if (submessage !== QemuClientMessage.Audio) {
    throw new RfbStreamError(`unknown QEMU client submessage ${submessage}; the stream cannot be followed`);
  }
  if (available < 4) return null;
  const operation = data.readUInt16BE(pos + 2);
  if (operation === QemuAudioOperation.Enable || operation === QemuAudioOperation.Disable) return 4;
  if (operation === QemuAudioOperation.SetFormat) return 10;
  throw new RfbStreamError(`unknown QEMU audio operation ${operation}; the stream cannot be followed`);
}

/** SetEncodings as sent, or rebuilt without ExtendedMouseButtons when it names it. */
function withoutExtendedMouseButtons(message: Buffer): Verdict {
  const count = message.readUInt16BE(2);
  const kept: number[] = [];
  for (let i = 0; i < count; i++) {
    const encoding = message.readInt32BE(4 + 4 * i);
    if (encoding !== ENCODING_EXTENDED_MOUSE_BUTTONS) kept.push(encoding);
  }
  if (kept.length === count) return 'forward';
  const rebuilt = Buffer.alloc(4 + 4 * kept.length);
  rebuilt[0] = RfbClientMessage.SetEncodings;
  rebuilt.writeUInt16BE(kept.length, 2);
  kept.forEach((encoding, i) => {
    rebuilt.writeInt32BE(encoding, 4 + 4 * i);
  });
  return rebuilt;
}
