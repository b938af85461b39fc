/**
 * Fuzz: WebSocket frames at the hub of a real bridge with users and two real paused QEMUs (testing/fuzz-bridge.ts
 * keeps an admin stop/cont loop, two subscribers and a scoped observer beside it, checked untouched at the end).
 * Each run sends frames on one socket of a user (every role, and one scoped to a single VM): valid messages,
 * mutated ones, random JSON, binary, tiny and over-limit frames, mixed. Sent one at a time, each frame gets its
 * own answer within a deadline: a bad one an `error` (or a `result` with one) with a class and a description,
 * never `Internal`; an execute its `result` with its id as sent; a ping its pong; a subscribe `subscribed` or
 * VmNotFound; an unsubscribe nothing (a ping behind it is answered first). Sent as a burst, all of them are
 * answered (as many errors as bad frames at least), before a ping sent behind them. Sockets never close, every
 * message passes the protocol's validator, the scoped socket never hears of the other VM, health keeps answering.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ServerMessage } from '@qmpdeck/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineMissed } from '../../../../testing/fuzz/deadline.ts';
import { runFuzz } from '../../../../testing/fuzz/run-fuzz.ts';
import { fuzzPlan, fuzzTimeoutMs } from '../../../../testing/fuzz/settings.ts';
import { bearer, getJson } from '../testing/bridge.ts';
import {
  FUZZ_USERS,
  type FuzzBridge,
  type FuzzUserKey,
  STREAM_VM,
  startFuzzBridge,
} from '../testing/fuzz-bridge.ts';
import { type Expectation, expectationOf, type WsFrame, wsFrame } from '../testing/fuzz-ws.ts';
import { TestWsClient } from '../testing/ws-client.ts';

/** Longer than any honest answer: a guest command without an agent, a 5 s command timeout, a replay. */
const DEADLINE_MS = 15_000;
const USERS: readonly FuzzUserKey[] = ['viewer', 'operator', 'admin', 'scoped'];

interface WsRun {
  user: FuzzUserKey;
  frames: WsFrame[];
  burst: boolean;
}

function wsRun(): fc.Arbitrary<WsRun> {
  return fc.constantFrom(...USERS).chain((user) =>
    fc.record({
      user: fc.constant(user),
      frames: fc.array(wsFrame(FUZZ_USERS[user].role), { minLength: 1, maxLength: 6 }),
      burst: fc.boolean(),
    }),
  );
}

const ANSWER_TYPES = new Set(['error', 'result', 'pong', 'subscribed']);

describe('WebSocket fuzz', () => {
  let world: FuzzBridge;
  const sockets = new Map<FuzzUserKey, TestWsClient>();
  beforeAll(async () => {
    world = await startFuzzBridge('ws-fuzz');
    for (const user of USERS) {
      sockets.set(user, await TestWsClient.connect(world.bridge.url, bearer(FUZZ_USERS[user].token)));
    }
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets.values()) socket.close();
    await world?.dispose();
  });

  const plan = fuzzPlan('websocket');
  it(
    'answers every frame with its answer (every bad one with a class and a description) and disturbs no other client',
    async () => {
      const answered = new Map<string, number>();
      let barrier = 0;
      const nextBarrier = () => `barrier-${++barrier}`;
      const outcome = await runFuzz(
        plan,
        wsRun(),
        async (run) => {
          const socket = sockets.get(run.user) as TestWsClient;
          const what = (frame: WsFrame) =>
            `${run.user} ${frame.binary ? 'binary' : 'text'} ${frame.data.toString('utf8').slice(0, 200)}`;
          if (run.burst) await sendBurst(socket, run.frames, nextBarrier(), what);
          else
            for (const frame of run.frames) await sendOne(socket, frame, nextBarrier, what(frame), answered);
          expect(socket.closed, `the ${run.user} socket stays open`).toBe(false);
        },
        { property: 'frames', inputsOf: (run) => run.frames.length },
      );
      for (const [user, socket] of sockets) {
        expect(socket.closed, `the ${user} socket stays open`).toBe(false);
        expect(socket.invalid, `every message to ${user} passes the protocol's validator`).toEqual([]);
      }
      expect(
        (sockets.get('scoped') as TestWsClient).messages.filter((m) => aboutVm(m) === STREAM_VM),
        'the scoped socket never heard of the other VM',
      ).toEqual([]);
      expect((await getJson(world.bridge, '/api/health')).status).toBe(200);
      const witness = await world.finish();
      console.log(
        `fuzz websocket: answers ${JSON.stringify(Object.fromEntries([...answered].sort()))}; ` +
          `meanwhile ${witness.toggles} stop/cont, ${witness.streamEvents} events streamed without loss`,
      );
      // The frames reached past the validator: commands ran, and bad frames were refused.
      expect(outcome.inputs).toBeGreaterThan(0);
      expect(answered.get('result ok') ?? 0).toBeGreaterThan(0);
      expect(answered.get('bad') ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeoutMs(plan),
  );
});

function sendFrame(socket: TestWsClient, frame: WsFrame): void {
  socket.ws.send(frame.data, { binary: frame.binary });
}

/** The first answer (error, result, pong, subscribed) at or after `from` that `match` accepts, and its index. */
async function answerAfter(
  socket: TestWsClient,
  from: number,
  match: (m: ServerMessage) => boolean,
  what: string,
): Promise<{ message: ServerMessage; index: number }> {
  return whenReceived(
    socket,
    () => {
      for (let i = from; i < socket.messages.length; i++) {
        const message = socket.messages[i] as ServerMessage;
        if (ANSWER_TYPES.has(message.type) && match(message)) return { message, index: i };
      }
      return undefined;
    },
    what,
  );
}

/** One frame, then its own answer (every earlier frame of this socket is answered already). */
async function sendOne(
  socket: TestWsClient,
  frame: WsFrame,
  nextBarrier: () => string,
  what: string,
  answered: Map<string, number>,
): Promise<void> {
  const from = socket.messages.length;
  const expectation = expectationOf(frame);
  sendFrame(socket, frame);
  const count = (key: string) => answered.set(key, (answered.get(key) ?? 0) + 1);
  if (expectation.kind === 'unsubscribe') {
    // Nothing answers an unsubscribe: a ping behind it must be the next answer.
    const id = nextBarrier();
    socket.send({ type: 'ping', id });
    const { message } = await answerAfter(
      socket,
      from,
      (m) => m.type !== 'subscribed' && m.type !== 'result',
      `${what} (then ping)`,
    );
    expect(message, `nothing but the ping's pong answers: ${what}`).toEqual({ type: 'pong', id });
    count('unsubscribe');
    return;
  }
  const { message } = await answerAfter(socket, from, matcherOf(expectation), what);
  expectAnswer(expectation, message, what);
  count(
    expectation.kind === 'bad'
      ? 'bad'
      : message.type === 'result'
        ? `result ${'error' in message ? 'error' : 'ok'}`
        : message.type,
  );
}

/**
 * Which answers could be this frame's: a `subscribed` only for a subscribe of that VM, a `result` only with this
 * frame's id. Late ones are ignored: a ping or a refusal is answered at once, ahead of a slow command of an earlier
 * burst still in the client's queue (a guest command waiting for an agent that is not there).
 */
function matcherOf(expectation: Expectation): (m: ServerMessage) => boolean {
  const ownResult = (m: ServerMessage) =>
    m.type !== 'result' ||
    ((expectation.kind === 'execute' || expectation.kind === 'bad') &&
      isDeepStrictEqual(m.id, expectation.id));
  if (expectation.kind === 'subscribe')
    return (m) => (m.type !== 'subscribed' || m.vm === expectation.vm) && ownResult(m);
  return (m) => m.type !== 'subscribed' && ownResult(m);
}

function expectAnswer(expectation: Expectation, message: ServerMessage, what: string): void {
  const full = `${what} -> ${JSON.stringify(message).slice(0, 300)}`;
  switch (expectation.kind) {
    case 'bad':
      expect(message.type === 'error' || message.type === 'result', full).toBe(true);
      expectErrorBody(message, full);
      if (message.type === 'result') expect(message.id, full).toEqual(expectation.id);
      return;
    case 'execute':
      expect(message.type, full).toBe('result');
      expect((message as { id: unknown }).id, `the id comes back as sent: ${full}`).toEqual(expectation.id);
      if ('error' in message) expectErrorBody(message, full);
      return;
    case 'ping':
      expect(message, full).toEqual(
        expectation.id === undefined ? { type: 'pong' } : { type: 'pong', id: expectation.id },
      );
      return;
    case 'subscribe':
      if (message.type === 'error') {
        expect(message.error.class, full).toBe('VmNotFound');
        expectErrorBody(message, full);
      } else expect(message, full).toMatchObject({ type: 'subscribed', vm: expectation.vm });
      return;
    case 'unsubscribe':
      return;
  }
}

function expectErrorBody(message: ServerMessage, what: string): void {
  const error = (message as { error?: { class?: unknown; desc?: unknown } }).error;
  expect(typeof error?.class === 'string' && error.class.length > 0, `a class: ${what}`).toBe(true);
  expect(typeof error?.desc === 'string' && error.desc.length > 0, `a description: ${what}`).toBe(true);
  expect(error?.class, what).not.toBe('Internal');
}

/**
 * All frames at once, then a ping: the ping's pong, every execute's result (valid or not, with a usable id) and
 * at least one error per bad frame all come, each error with a class and a description. A subscribe may be
 * superseded by a later one or an unsubscribe of the same VM in the burst, so `subscribed` is not counted.
 */
async function sendBurst(
  socket: TestWsClient,
  frames: readonly WsFrame[],
  barrier: string,
  what: (frame: WsFrame) => string,
): Promise<void> {
  const from = socket.messages.length;
  const expectations = frames.map(expectationOf);
  for (const frame of frames) sendFrame(socket, frame);
  socket.send({ type: 'ping', id: barrier });
  const owed = expectations.filter((e) => e.kind !== 'unsubscribe' && e.kind !== 'subscribe').length + 1;
  const described = `burst of ${frames.length}: ${frames.map(what).join(' | ').slice(0, 600)}`;
  const executes = expectations.flatMap((e) => (e.kind === 'execute' ? [e.id] : []));
  await whenReceived(
    socket,
    () => {
      const answers = socket.messages
        .slice(from)
        .filter((m) => ANSWER_TYPES.has(m.type) && m.type !== 'subscribed');
      const hasBarrier = answers.some((m) => m.type === 'pong' && m.id === barrier);
      const resulted = executes.every((id) =>
        answers.some((m) => m.type === 'result' && Object.is(m.id, id)),
      );
      // VmNotFound errors of subscribes may come on top of what is owed.
      return hasBarrier && resulted && answers.length >= owed ? answers : undefined;
    },
    `every answer of a ${described}`,
  );
  const answers = socket.messages.slice(from).filter((m) => m.type === 'error' || m.type === 'result');
  const errors = answers.filter((m) => 'error' in m);
  for (const m of errors) expectErrorBody(m, `${described} -> ${JSON.stringify(m).slice(0, 300)}`);
  const bad = expectations.filter((e) => e.kind === 'bad').length;
  expect(errors.length, `an error for each bad frame: ${described}`).toBeGreaterThanOrEqual(bad);
}

/**
 * What `check` finds in the socket's messages, looked for again as each message arrives (a frame's answer takes
 * a round trip, and the run sends thousands: no polling interval added to each); fails when the socket closes or
 * nothing is found within the deadline.
 */
function whenReceived<T>(socket: TestWsClient, check: () => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const look = (): void => {
      const found = check();
      if (found !== undefined) {
        stop();
        resolve(found);
      } else if (socket.closed) {
        stop();
        reject(new Error(`the socket closed (${socket.closeCode}) waiting for ${what}`));
      }
    };
    const timer = setTimeout(() => {
      stop();
      const invalid =
        socket.invalid.length === 0
          ? ''
          : `; messages the protocol refuses: ${JSON.stringify(socket.invalid.slice(-3)).slice(0, 500)}`;
      reject(new DeadlineMissed(`no answer within ${DEADLINE_MS} ms: ${what}${invalid}`));
    }, DEADLINE_MS);
    const stop = (): void => {
      clearTimeout(timer);
      socket.ws.off('message', look);
      socket.ws.off('close', look);
    };
    // TestWsClient's own listeners were added first: a message is in `messages` before `look` runs.
    socket.ws.on('message', look);
    socket.ws.on('close', look);
    look();
  });
}

/** The VM a message is about, if any. */
function aboutVm(message: ServerMessage): string | undefined {
  if (!('vm' in message)) return undefined;
  const vm = message.vm as unknown;
  return typeof vm === 'string' ? vm : (vm as { id?: string }).id;
}
