/**
 * `quit` ends QEMU, and with it the connection: QEMU sends SHUTDOWN, then (usually) the return, then closes. A
 * client that writes anything after SHUTDOWN (a status query, as a supervisor does) can get EPIPE and lose the
 * return still unread in its socket. QEMU's schema says a premature EOF after `quit` is not unexpected, so the
 * peer closing the connection while `quit` waits is its success. Repeated against many real QEMUs: the race is
 * timing-dependent.
 */
import { describe, expect, it } from 'vitest';
import { QmpClient } from './client.ts';
import { startQemu } from './testing/qemu.ts';

const ROUNDS = 40;

describe('quit against real QEMU', () => {
  it(`answers {} every time, also when the client writes after SHUTDOWN (${ROUNDS} QEMUs)`, async () => {
    const answers: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const qemu = await startQemu();
      try {
        const client = await QmpClient.connect({ path: qemu.qmpPath });
        client.on('event', (event) => {
          // What the bridge does after every run-state event: ask for the new status, into a closing socket.
          if (event.event !== 'SHUTDOWN') return;
          const ask = (): void => {
            if (client.closed) return;
            client.execute('query-status').catch(() => {});
            setImmediate(ask);
          };
          ask();
        });
        answers.push(await client.execute('quit').catch((error: unknown) => error));
        await client.close();
      } finally {
        await qemu.dispose();
      }
    }
    expect(answers).toEqual(Array(ROUNDS).fill({}));
  }, 120_000);
});
