/**
 * WebSocket frames for the fuzzer: valid client messages of docs/api.md (subscribe, unsubscribe, execute, ping),
 * the same mutated (fields of the wrong type, removed, added, nested; the text cut or changed), random JSON,
 * binary frames, tiny frames and frames over the 1 MiB soft limit. `expectationOf` reads a frame as the bridge
 * must (the protocol's own validator) and says what answer it is owed.
 *
 * Text frames are always valid UTF-8 (mutated bytes are read back as UTF-8): a text frame that is not UTF-8 is
 * a protocol violation `ws` answers by closing the socket (1007), which would end the fuzzed connection rather
 * than test the bridge. Invalid bytes are sent in binary frames instead.
 */
import { ClientMessage, type Role } from '@qmpdeck/protocol';
import fc from 'fast-check';
import { anyJson, encoded, mutated, oddValue } from '../../../../testing/fuzz/json-inputs.ts';
import { SOFT_FRAME_LIMIT } from '../hub/limits.ts';
import { FUZZ_VM, STREAM_VM } from './fuzz-bridge.ts';
import { commandName, unsafeToSend } from './fuzz-commands.ts';
import { commandOf } from './fuzz-http.ts';

export interface WsFrame {
  data: Buffer;
  binary: boolean;
}

type CommandId = string | number;

/** What a frame is owed: `bad` ones an error (`error`, or a `result` with one when it was an execute with an id). */
export type Expectation =
  | { kind: 'bad'; id: CommandId | undefined }
  | { kind: 'execute'; id: CommandId }
  | { kind: 'ping'; id: CommandId | undefined }
  | { kind: 'subscribe'; vm: string }
  | { kind: 'unsubscribe' };

function vmId(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(FUZZ_VM, STREAM_VM), weight: 5 },
    { arbitrary: fc.constantFrom('nope', '', 'FUZZ', '*', 'fuzz ', 'a'.repeat(129)), weight: 1 },
  );
}

function commandId(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.string({ maxLength: 12 }), weight: 4 },
    { arbitrary: fc.integer(), weight: 2 },
    { arbitrary: fc.constantFrom('x'.repeat(128), 'x'.repeat(129), 1.5, -0, 2 ** 53 + 2), weight: 1 },
    { arbitrary: oddValue(), weight: 1 },
  );
}

/** A message of each documented type, sometimes with odd (still JSON) values in its fields. */
export function validMessage(): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    fc.record(
      {
        type: fc.constant('subscribe'),
        vm: vmId(),
        after: fc.oneof(fc.constantFrom(0, 1, 5), fc.nat()),
        batch: fc.boolean(),
      },
      { requiredKeys: ['type', 'vm'] },
    ),
    fc.record({ type: fc.constant('unsubscribe'), vm: vmId() }),
    {
      arbitrary: fc.record(
        {
          type: fc.constant('execute'),
          id: commandId(),
          vm: vmId(),
          execute: commandName(),
          arguments: fc.oneof(
            fc.constant({}),
            fc.dictionary(fc.string({ maxLength: 8 }), anyJson(2), { maxKeys: 3 }),
          ),
          timeoutMs: fc.constantFrom(1, 50, 5000),
          origin: fc.string({ maxLength: 20 }),
          target: fc.constantFrom('qmp', 'qmp', 'qmp', 'guest', 'bridge'),
        },
        { requiredKeys: ['type', 'id', 'vm', 'execute'] },
      ),
      weight: 3,
    },
    fc.record({ type: fc.constant('ping'), id: commandId() }, { requiredKeys: ['type'] }),
  );
}

/** The bytes of a frame made from a JSON value: valid UTF-8 for a text frame. */
function textFrame(bytes: Buffer): WsFrame {
  return { data: Buffer.from(bytes.toString('utf8')), binary: false };
}

const TINY = ['', ' ', '{', '}', '"', '0', 'null', '[]', '{}', '\n', '{"type":null}'];

/** Over the soft limit (FrameTooLarge), a valid message padded by a few bytes to a few KiB past it. */
function hugeFrame(): fc.Arbitrary<WsFrame> {
  return fc.tuple(fc.constantFrom(1, 2, 4096), fc.boolean()).map(([over, asPing]) => {
    const head = asPing ? '{"type":"ping","id":"' : '{"type":"launch","pad":"';
    const pad = 'x'.repeat(SOFT_FRAME_LIMIT - head.length - 2 + over);
    return { data: Buffer.from(`${head}${pad}"}`), binary: false };
  });
}

/** One frame of any kind, never a dangerous command a socket of `role` might be allowed to run. */
export function wsFrame(role: Role): fc.Arbitrary<WsFrame> {
  return fc
    .oneof(
      { arbitrary: validMessage().map((m) => textFrame(Buffer.from(JSON.stringify(m)))), weight: 6 },
      { arbitrary: encoded(mutated(validMessage())).map(textFrame), weight: 5 },
      { arbitrary: encoded(anyJson()).map(textFrame), weight: 2 },
      {
        arbitrary: fc
          .oneof(
            encoded(validMessage()),
            fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
          )
          .map((data) => ({ data, binary: true })),
        weight: 1,
      },
      { arbitrary: fc.constantFrom(...TINY).map((text) => textFrame(Buffer.from(text))), weight: 1 },
      { arbitrary: hugeFrame(), weight: 1 },
    )
    .filter((frame) => frame.binary || !unsafeToSend(role, commandOf(frame.data)));
}

/** What the bridge owes a frame, read with the protocol's validator as the bridge reads it. */
export function expectationOf(frame: WsFrame): Expectation {
  if (frame.binary || frame.data.length > SOFT_FRAME_LIMIT) return { kind: 'bad', id: undefined };
  let raw: unknown;
  try {
    raw = JSON.parse(frame.data.toString('utf8'));
  } catch {
    return { kind: 'bad', id: undefined };
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    return { kind: 'bad', id: typeof id === 'string' || typeof id === 'number' ? asEchoed(id) : undefined };
  }
  const message = parsed.data;
  switch (message.type) {
    case 'execute':
      return { kind: 'execute', id: asEchoed(message.id) };
    case 'ping':
      return { kind: 'ping', id: message.id === undefined ? undefined : asEchoed(message.id) };
    case 'subscribe':
      return { kind: 'subscribe', vm: message.vm };
    case 'unsubscribe':
      return { kind: 'unsubscribe' };
  }
}

/** An id as it comes back in JSON: `-0` sent is `0` received (JSON has no negative zero). */
function asEchoed(id: CommandId): CommandId {
  return JSON.parse(JSON.stringify(id)) as CommandId;
}
