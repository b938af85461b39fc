/**
 * One frame from a WebSocket client -> a validated `ClientMessage`, or the error to answer with a clear
 * `{ class, desc }`: a binary frame, a frame over the soft limit, text that is not JSON, JSON that is not an object,
 * an unknown `type`, or a message of the wrong shape (the desc names every bad field). An execute that fails
 * validation is answered as its `result` when it has a usable id, so a client waiting by id always gets one.
 */
import { BridgeErrorClass, ClientMessage, type ErrorBody } from '@qmpdeck/protocol';
import { describeJsonError } from '../http/json-body.ts';
import { SOFT_FRAME_LIMIT } from './limits.ts';

export type CommandId = string | number;

export type ClientFrame =
  | { ok: true; message: ClientMessage }
  | { ok: false; error: ErrorBody; id: CommandId | undefined; answerAsResult: boolean };

export function readClientFrame(data: Buffer, isBinary: boolean): ClientFrame {
  if (isBinary) return refused(BridgeErrorClass.BadRequest, 'binary frames are not accepted; send JSON text');
  if (data.length > SOFT_FRAME_LIMIT) {
    return refused(
      BridgeErrorClass.FrameTooLarge,
      `frame of ${data.length} bytes is over the ${SOFT_FRAME_LIMIT}-byte limit`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch (err) {
    return refused(BridgeErrorClass.InvalidJson, `not valid JSON: ${describeJsonError(err)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refused(
      BridgeErrorClass.BadRequest,
      `expected a JSON object with a "type" (one of ${KNOWN_TYPES.join(', ')}), got ${describeJson(raw)}`,
    );
  }
  const parsed = ClientMessage.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return {
    ok: false,
    error: describeInvalid(raw, parsed.error.issues),
    id: idOf(raw),
    answerAsResult: typeOf(raw) === 'execute',
  };
}

function refused(errorClass: BridgeErrorClass, desc: string): ClientFrame {
  return { ok: false, error: { class: errorClass, desc }, id: undefined, answerAsResult: false };
}

/** The id of a message that failed validation, when it is one the protocol can echo back. */
function idOf(raw: unknown): CommandId | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  if (typeof id === 'string') return id.length <= MAX_ID_LENGTH ? id : undefined;
  // 1e400 parses as Infinity, which JSON writes as null: echoed, it made a `result` with an id no client can match
  // and the protocol refuses (found by the WebSocket fuzzer).
  return typeof id === 'number' && Number.isFinite(id) ? id : undefined;
}

function typeOf(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
}

const KNOWN_TYPES = ['subscribe', 'unsubscribe', 'execute', 'ping'];

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
/**
 * A `type` that is not a known name, as the desc shows it: a string quoted (cut at 128 characters), anything else
 * by its kind. Never stringified whole: a `type` nested 100,000 levels deep overflowed the stack in JSON.stringify,
 * an exception out of the socket's message handler that took the whole bridge down (found by the WebSocket fuzzer).
 */
function describeType(type: unknown): string {
  if (typeof type === 'string') return JSON.stringify(type.length > 128 ? `${type.slice(0, 128)}...` : type);
  if (typeof type === 'number' || typeof type === 'boolean') return String(type);
  return describeJson(type ?? null);
}

/** As `ClientCommandId` in the protocol. */
const MAX_ID_LENGTH = 128;

function describeInvalid(
  raw: unknown,
  issues: readonly { path: PropertyKey[]; message: string }[],
): ErrorBody {
  const type = typeOf(raw);
  if (typeof type !== 'string' || !KNOWN_TYPES.includes(type)) {
    return {
      class: BridgeErrorClass.UnknownMessage,
      desc: `unknown message type ${describeType(type)}; expected one of ${KNOWN_TYPES.join(', ')}`,
    };
  }
  const detail = issues
    .map((issue) => `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
  return { class: BridgeErrorClass.BadRequest, desc: `invalid ${type} message: ${detail}` };
}
