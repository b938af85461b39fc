import { describe, expect, it } from 'vitest';
import {
  clientCutText,
  clientFence,
  enableContinuousUpdates,
  extendedClipboard,
  framebufferUpdateRequest,
  handshake,
  keyEvent,
  pointerEvent,
  qemuAudioEnable,
  qemuAudioSetFormat,
  qemuExtendedKeyEvent,
  setDesktopSize,
  setEncodings,
  setPixelFormat,
  xvp,
} from '../testing/rfb-messages.ts';
import {
  ENCODING_EXTENDED_MOUSE_BUTTONS,
  RfbClientParser,
  RfbStreamError,
  SECURITY_NONE,
  SECURITY_VNC_AUTH,
} from './rfb-client-parser.ts';

interface Message {
  name: string;
  bytes: Buffer;
  input: boolean;
}

/** One of every message type noVNC 1.7 can send (and QEMU's audio), marked by whether it is input. */
const MESSAGES: Message[] = [
  { name: 'SetPixelFormat', bytes: setPixelFormat(), input: false },
  { name: 'SetEncodings', bytes: setEncodings([7, 16, 0, -223, -258, -308]), input: false },
  { name: 'FramebufferUpdateRequest', bytes: framebufferUpdateRequest(false, 0, 0, 1024, 768), input: false },
  { name: 'KeyEvent', bytes: keyEvent(0x61, true), input: true },
  { name: 'PointerEvent', bytes: pointerEvent(1, 300, 200), input: true },
  { name: 'ClientCutText', bytes: clientCutText('pasted text'), input: true },
  {
    name: 'ClientCutText (extended)',
    bytes: extendedClipboard(Buffer.from([1, 0, 0, 1, 0, 0, 4, 0])),
    input: true,
  },
  { name: 'QEMU extended key event', bytes: qemuExtendedKeyEvent(0x61, 0x1e, true), input: true },
  { name: 'QEMU audio enable', bytes: qemuAudioEnable(), input: false },
  { name: 'QEMU audio set format', bytes: qemuAudioSetFormat(), input: false },
  { name: 'EnableContinuousUpdates', bytes: enableContinuousUpdates(), input: false },
  { name: 'ClientFence', bytes: clientFence(Buffer.from('fence-payload')), input: false },
  { name: 'ClientFence (empty)', bytes: clientFence(Buffer.alloc(0)), input: false },
  { name: 'xvp', bytes: xvp(2), input: true },
  { name: 'SetDesktopSize', bytes: setDesktopSize(1280, 800, 2), input: true },
  {
    name: 'FramebufferUpdateRequest (incremental)',
    bytes: framebufferUpdateRequest(true, 0, 0, 8, 8),
    input: false,
  },
];

const HANDSHAKE = Buffer.concat([
  handshake.version(),
  handshake.security(SECURITY_NONE),
  handshake.clientInit(true),
]);
const EVERYTHING = Buffer.concat([HANDSHAKE, ...MESSAGES.map((m) => m.bytes)]);
const WITHOUT_INPUT = Buffer.concat([HANDSHAKE, ...MESSAGES.filter((m) => !m.input).map((m) => m.bytes)]);

/** Feeds the chunks and joins what the parser would send on. */
function run(chunks: Buffer[], input: boolean): { out: Buffer; parser: RfbClientParser } {
  const parser = new RfbClientParser({ input });
  const out = Buffer.concat(chunks.flatMap((chunk) => parser.push(chunk)));
  return { out, parser };
}

const bytewise = (data: Buffer): Buffer[] => [...data].map((byte) => Buffer.from([byte]));

describe('RfbClientParser', () => {
  it('passes every message type byte-identical for a connection that may type, all in one chunk', () => {
    const { out, parser } = run([EVERYTHING], true);
    expect(out.equals(EVERYTHING)).toBe(true);
    expect(parser.droppedInput).toBe(0);
    expect(parser.initialised).toBe(true);
  });

  it.each(MESSAGES)('frames $name alone, at every split point', ({ bytes }) => {
    for (let split = 0; split <= bytes.length; split++) {
      const { out } = run([HANDSHAKE, bytes.subarray(0, split), bytes.subarray(split)], true);
      expect(out.equals(Buffer.concat([HANDSHAKE, bytes]))).toBe(true);
    }
  });

  it('frames the whole stream split at every byte boundary, for an operator and for a viewer', () => {
    for (let split = 0; split <= EVERYTHING.length; split++) {
      const chunks = [EVERYTHING.subarray(0, split), EVERYTHING.subarray(split)];
      expect(run(chunks, true).out.equals(EVERYTHING)).toBe(true);
      expect(run(chunks, false).out.equals(WITHOUT_INPUT)).toBe(true);
    }
  });

  it('frames the whole stream fed one byte at a time', () => {
    expect(run(bytewise(EVERYTHING), true).out.equals(EVERYTHING)).toBe(true);
    expect(run(bytewise(EVERYTHING), false).out.equals(WITHOUT_INPUT)).toBe(true);
  });

  it("removes a viewer's key, pointer, clipboard, extended key, resize and power messages; the rest passes byte-identical", () => {
    const { out, parser } = run([EVERYTHING], false);
    expect(out.equals(WITHOUT_INPUT)).toBe(true);
    expect(parser.droppedInput).toBe(MESSAGES.filter((m) => m.input).length);
  });

  it('hands on slices of the chunk itself when nothing is removed (no copy)', () => {
    const parser = new RfbClientParser({ input: false });
    parser.push(HANDSHAKE);
    const requests = Buffer.concat([
      framebufferUpdateRequest(true, 0, 0, 8, 8),
      framebufferUpdateRequest(false, 0, 0, 8, 8),
    ]);
    const out = parser.push(requests);
    expect(out).toHaveLength(1);
    expect(out[0]?.buffer).toBe(requests.buffer);
  });

  it('forces the shared flag of ClientInit to 1, so nobody else watching is disconnected', () => {
    const exclusive = Buffer.concat([
      handshake.version(),
      handshake.security(SECURITY_NONE),
      handshake.clientInit(false),
    ]);
    expect([...run([exclusive], true).out.subarray(13)]).toEqual([1]);
    expect([...run(bytewise(exclusive), false).out.subarray(13)]).toEqual([1]);
  });

  it('passes the 16-byte answer of VNC authentication through', () => {
    const stream = Buffer.concat([
      handshake.version(),
      handshake.security(SECURITY_VNC_AUTH),
      handshake.vncAuthResponse(),
      handshake.clientInit(true),
      keyEvent(0x61, true),
    ]);
    expect(run(bytewise(stream), true).out.equals(stream)).toBe(true);
    expect(run([stream], false).out.equals(stream.subarray(0, stream.length - 8))).toBe(true);
  });

  it('takes RFB 3.7 as well as 3.8', () => {
    const stream = Buffer.concat([
      handshake.version('RFB 003.007\n'),
      handshake.security(SECURITY_NONE),
      handshake.clientInit(true),
    ]);
    expect(run([stream], true).out.equals(stream)).toBe(true);
  });

  it('drops ExtendedMouseButtons from SetEncodings, whose pointer events could not be framed from this side', () => {
    const asked = setEncodings([7, ENCODING_EXTENDED_MOUSE_BUTTONS, 0, -258]);
    const { out } = run([HANDSHAKE, asked, keyEvent(0x62, false)], true);
    expect(out.equals(Buffer.concat([HANDSHAKE, setEncodings([7, 0, -258]), keyEvent(0x62, false)]))).toBe(
      true,
    );
  });

  it('keeps several messages of one chunk in order around one that is removed', () => {
    const request = framebufferUpdateRequest(true, 0, 0, 16, 16);
    const key = keyEvent(0x63, true);
    const parser = new RfbClientParser({ input: false });
    parser.push(HANDSHAKE);
    const out = parser.push(Buffer.concat([request, key, request, key, key, request]));
    expect(Buffer.concat(out).equals(Buffer.concat([request, request, request]))).toBe(true);
  });

  describe('ends the connection when the stream cannot be followed', () => {
    const fails = (chunks: Buffer[], message: RegExp) => {
      const parser = new RfbClientParser({ input: true });
      expect(() => {
        for (const chunk of chunks) parser.push(chunk);
      }).toThrow(expect.objectContaining({ name: 'RfbStreamError', desc: expect.stringMatching(message) }));
    };

    it('an unknown message type (VMware 127, gii 253, anything else)', () => {
      fails([HANDSHAKE, Buffer.from([127, 0, 0, 0])], /unknown RFB client message type 127/);
      fails([HANDSHAKE, Buffer.from([253, 0x80, 0, 4])], /type 253/);
      fails([HANDSHAKE, keyEvent(0x61, true), Buffer.from([9])], /type 9/);
    });

    it('an unknown QEMU submessage or audio operation', () => {
      fails([HANDSHAKE, Buffer.from([255, 7])], /QEMU client submessage 7/);
      fails([HANDSHAKE, Buffer.from([255, 1, 0, 9])], /QEMU audio operation 9/);
    });

    it('RFB 3.3 (the server alone picks its security) or a security type that encrypts the stream', () => {
      fails([handshake.version('RFB 003.003\n')], /unsupported RFB version/);
      fails([Buffer.from('HTTP/1.1 200')], /unsupported RFB version/);
      fails([handshake.version(), handshake.security(19)], /security type 19 cannot be proxied/);
    });

    it('clipboard text over the limit, as soon as its length is known', () => {
      const parser = new RfbClientParser({ input: true, maxCutTextBytes: 100 });
      parser.push(HANDSHAKE);
      const header = clientCutText('x'.repeat(101)).subarray(0, 8);
      expect(() => parser.push(header)).toThrow(RfbStreamError);
      const extended = new RfbClientParser({ input: true, maxCutTextBytes: 100 });
      extended.push(HANDSHAKE);
      expect(() => extended.push(extendedClipboard(Buffer.alloc(101)).subarray(0, 8))).toThrow(
        /over the 100-byte limit/,
      );
    });
  });
});
