/**
 * The world the bridge fuzzers run in: a real bridge in-process with users of every role (one scoped to a single
 * VM) and an auth proxy, two real paused QEMUs (`fuzz`, the target, and `stream`), and the clients whose
 * experience must not change whatever the fuzzer sends:
 *
 * - an admin loop that stops and continues `stream` over HTTP for the whole run (every call must succeed);
 * - two subscribers of `stream` (one event at a time, one in batches) that must end with every event, seqs
 *   contiguous and equal to `GET /events`, their sockets never closed;
 * - an observer scoped to `fuzz` that must never receive a byte about `stream`.
 *
 * These clients use 127.0.0.1; fuzz traffic comes from other loopback addresses (`FuzzAddresses`), since failed
 * credentials are counted per address and the fuzzer fails on purpose. `finish()` checks all of the above, that
 * both QEMUs are alive (no refused command reached them), that health still answers, and that the bridge logged
 * no error (a 500 or a failure in the hub would have been logged).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  EventMessage,
  EventPage,
  EventRecord,
  EventsMessage,
  Role,
  ServerMessage,
} from '@qmpdeck/protocol';
import { expect } from 'vitest';
import { withDeadline } from '../../../../testing/fuzz/deadline.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, startTestBridge } from './bridge.ts';
import { captureLog, type LogLine } from './log-capture.ts';
import { startQemu, type TestQemu } from './qemu.ts';
import { roleUsers, type TestUser, testUser, userConfig } from './users.ts';
import { waitFor } from './wait-for.ts';
import { TestWsClient } from './ws-client.ts';

export const FUZZ_VM = 'fuzz';
export const STREAM_VM = 'stream';
/** The reverse proxy whose `Remote-User` header is believed. */
export const PROXY_ADDRESS = '127.0.0.9';
export const PROXY_HEADER = 'remote-user';

export type FuzzUserKey = Role | 'scoped';

export const FUZZ_USERS: Readonly<Record<FuzzUserKey, TestUser>> = {
  ...roleUsers,
  scoped: testUser('sam', 'operator', [FUZZ_VM]),
};

export interface FuzzBridge {
  bridge: RunningBridge;
  dir: string;
  /** A valid session cookie of a user, made on first use and after a sign-out may have ended it. */
  sessionCookie(user: FuzzUserKey): string;
  /** The cached sessions may have been signed out: make new ones when next asked. */
  forgetSessions(): void;
  /** Checks that the clients beside the fuzzer were untouched, then stops everything. */
  finish(): Promise<FuzzWitness>;
  /** Stops everything without checking (after a failure). */
  dispose(): Promise<void>;
}

/** What the clients beside the fuzzer saw, for the test's report. */
export interface FuzzWitness {
  toggles: number;
  streamEvents: number;
}

export async function startFuzzBridge(name: string): Promise<FuzzBridge> {
  const dir = mkdtempSync(join(tmpdir(), `bridge-${name}-`));
  const qemus: TestQemu[] = [];
  const clients: TestWsClient[] = [];
  const { log, lines } = captureLog('error');
  let bridge: RunningBridge | undefined;
  let toggler: Toggler | undefined;
  const dispose = async (): Promise<void> => {
    await toggler?.stop();
    for (const client of clients) client.close();
    await bridge?.stop();
    await Promise.all(qemus.map((qemu) => qemu.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    qemus.push(await startQemu(dir, FUZZ_VM), await startQemu(dir, STREAM_VM));
    bridge = await startTestBridge(
      dir,
      {
        vms: qemus.map((qemu, i) => ({
          id: i === 0 ? FUZZ_VM : STREAM_VM,
          qmp: { socket: qemu.socket as string },
        })),
        users: Object.values(FUZZ_USERS).map(userConfig),
        authProxy: { userHeader: 'Remote-User', trustedProxies: [`${PROXY_ADDRESS}/32`] },
      },
      // The real web app (when built), so static paths are fuzzed against real files.
      { log, webRoot: undefined },
    );
    const running = bridge;
    await waitFor(
      () => running.registry.get(FUZZ_VM)?.status && running.registry.get(STREAM_VM)?.status,
      'both VMs connected',
    );
    const admin = bearer(FUZZ_USERS.admin.token);
    const single = await TestWsClient.connect(running.url, admin);
    const batched = await TestWsClient.connect(running.url, bearer(FUZZ_USERS.viewer.token));
    const scoped = await TestWsClient.connect(running.url, bearer(FUZZ_USERS.scoped.token));
    clients.push(single, batched, scoped);
    single.send({ type: 'subscribe', vm: STREAM_VM, after: 0 });
    batched.send({ type: 'subscribe', vm: STREAM_VM, after: 0, batch: true });
    scoped.send({ type: 'subscribe', vm: FUZZ_VM, after: 0 });
    await Promise.all([single, batched].map((c) => c.next((m) => m.type === 'subscribed', 'subscribed')));
    toggler = startToggler(running, admin);
    const sessions = new Map<FuzzUserKey, string>();
    return {
      bridge: running,
      dir,
      sessionCookie(user) {
        let id = sessions.get(user);
        if (id === undefined) {
          id = running.sessions.create(FUZZ_USERS[user].name).id;
          sessions.set(user, id);
        }
        return `qmpdeck_session=${id}`;
      },
      forgetSessions: () => sessions.clear(),
      async finish() {
        const { toggles, failures } = await (toggler as Toggler).stop();
        expect(failures, 'every stop/cont of the admin loop answered 200').toEqual([]);
        expect(toggles).toBeGreaterThan(0);
        const events = await storedEvents(running, admin);
        const expected = events.map((e) => e.seq);
        expect(expected, 'stored seqs are contiguous from 1').toEqual(expected.map((_s, i) => i + 1));
        for (const client of [single, batched]) {
          await waitFor(
            () => (receivedEvents(client).at(-1)?.seq ?? 0) >= (expected.at(-1) ?? 0),
            'the subscriber caught up',
            20_000,
          );
          expect(client.closed, 'the subscriber was never closed').toBe(false);
          expect(client.invalid).toEqual([]);
          expect(receivedEvents(client)).toEqual(events);
        }
        expect(
          scoped.messages.filter((m) => aboutVm(m) === STREAM_VM),
          'the scoped observer never heard of the other VM',
        ).toEqual([]);
        expect(scoped.closed).toBe(false);
        expect((await getJson(running, '/api/health')).status).toBe(200);
        for (const id of [FUZZ_VM, STREAM_VM]) expect(running.registry.get(id)?.connection).toBe('connected');
        for (const qemu of qemus) expect(qemu.process.exitCode, 'QEMU alive').toBeNull();
        expect(errorLines(lines), 'the bridge logged no error').toEqual([]);
        await dispose();
        return { toggles, streamEvents: events.length };
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

function errorLines(lines: readonly LogLine[]): string[] {
  return lines.map((line) => `${line.msg}: ${JSON.stringify(line.err ?? line)}`);
}

/** Far longer than a stop or cont takes, even on a loaded machine: missing it means the VM's commands are stuck. */
const TOGGLE_DEADLINE_MS = 20_000;

interface Toggler {
  stop(): Promise<{ toggles: number; failures: string[] }>;
}

/** Stops and continues `stream` as an admin, one call after another with a short pause, until stopped. */
function startToggler(bridge: RunningBridge, admin: Record<string, string>): Toggler {
  let running = true;
  let toggles = 0;
  const failures: string[] = [];
  const loop = (async () => {
    let paused = true;
    while (running) {
      const execute = paused ? 'cont' : 'stop';
      try {
        const answer = await withDeadline(
          postJson(bridge, `/api/vms/${STREAM_VM}/execute`, { execute }, admin),
          TOGGLE_DEADLINE_MS,
          `the admin's ${execute} of ${STREAM_VM}`,
        );
        if (answer.status === 200) {
          toggles++;
          paused = !paused;
        } else failures.push(`${execute}: ${answer.status} ${answer.text}`);
      } catch (err) {
        failures.push(
          `${execute}: ${String(err)}; in flight: ${JSON.stringify(bridge.registry.get(STREAM_VM)?.inflight.list() ?? null)}`,
        );
        running = false;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { toggles, failures };
    },
  };
}

/** Every event of `stream` as the bridge stored it, page by page. */
async function storedEvents(bridge: RunningBridge, admin: Record<string, string>): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  for (;;) {
    const after = events.at(-1)?.seq ?? 0;
    const page = (await getJson(bridge, `/api/vms/${STREAM_VM}/events?after=${after}&limit=1000`, admin))
      .body as EventPage;
    events.push(...page.events);
    if (page.events.length === 0 || (events.at(-1)?.seq ?? 0) >= page.lastSeq) return events;
  }
}

/** The events of `stream` a subscriber got, from `event` and `events` messages alike, without the message type. */
function receivedEvents(client: TestWsClient): EventRecord[] {
  return client.messages.flatMap((m) => {
    if (m.type === 'event' && m.vm === STREAM_VM) {
      const { type: _type, ...record } = m as EventMessage;
      return [record as EventRecord];
    }
    if (m.type === 'events' && m.vm === STREAM_VM) return (m as EventsMessage).events;
    return [];
  });
}

/** The VM a message is about, if any (`vm` is an id, or the whole VM object of a `vm` message). */
function aboutVm(message: ServerMessage): string | undefined {
  if (!('vm' in message)) return undefined;
  const vm = message.vm as unknown;
  return typeof vm === 'string' ? vm : (vm as { id?: string }).id;
}
