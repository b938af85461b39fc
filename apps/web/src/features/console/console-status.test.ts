/** The status line's words for each phase of the link and state of the VM. */
import type { Vm } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { consoleStatus } from './console-status.ts';
import type { LinkState } from './link/link-state.ts';

const running: Pick<Vm, 'connection' | 'status' | 'message'> = { connection: 'connected', status: 'running' };
const link = (change: Partial<LinkState>): LinkState => ({
  phase: 'connected',
  attempt: 0,
  retryAt: null,
  problem: null,
  ...change,
});

describe('consoleStatus', () => {
  it('says connected, and that the VM is paused when it is', () => {
    expect(consoleStatus(link({}), running, 0)).toEqual({
      tone: 'ok',
      text: 'Connected',
      canRetryNow: false,
    });
    expect(consoleStatus(link({}), { ...running, status: 'paused' }, 0)).toMatchObject({
      tone: 'waiting',
      text: 'Connected · the VM is paused: the screen stays as it was until it runs',
    });
    expect(consoleStatus(link({}), { ...running, status: 'prelaunch' }, 0).text).toContain(
      'has not started yet',
    );
  });

  it('counts reconnect attempts and says when the next one starts', () => {
    expect(consoleStatus(link({ phase: 'reconnecting', attempt: 1 }), running, 0)).toEqual({
      tone: 'waiting',
      text: 'Reconnecting… (attempt 1)',
      canRetryNow: false,
    });
    expect(
      consoleStatus(link({ phase: 'reconnecting', attempt: 3, retryAt: 2_500 }), running, 1_000),
    ).toEqual({
      tone: 'waiting',
      text: 'Reconnecting… (attempt 3) · next try in 2 s',
      canRetryNow: true,
    });
  });

  it('says why the VM cannot be reached while reconnecting', () => {
    const gone = { connection: 'disconnected' as const, status: null, message: 'QEMU closed the connection' };
    expect(consoleStatus(link({ phase: 'reconnecting', attempt: 2, retryAt: 500 }), gone, 0).text).toBe(
      'Reconnecting… (attempt 2) · the VM is unreachable: QEMU closed the connection · next try in 1 s',
    );
    expect(
      consoleStatus(link({ phase: 'reconnecting', attempt: 2 }), { ...gone, connection: 'stopped' }, 0).text,
    ).toBe('Reconnecting… (attempt 2) · QEMU is not running');
  });

  it("shows the bridge's words when it refused: no display", () => {
    const problem = { class: 'NoDisplay', desc: 'VM alpha has no graphical display' };
    expect(
      consoleStatus(link({ phase: 'unavailable', attempt: 2, retryAt: 9_000, problem }), running, 0),
    ).toEqual({
      tone: 'problem',
      text: 'VM alpha has no graphical display',
      canRetryNow: true,
    });
  });

  it('says connecting, with the attempt after the first fails', () => {
    expect(consoleStatus(link({ phase: 'connecting', attempt: 1 }), running, 0).text).toBe('Connecting…');
    expect(consoleStatus(link({ phase: 'connecting', attempt: 2, retryAt: 400 }), running, 0).text).toBe(
      'Connecting… (attempt 2) · next try in 1 s',
    );
  });
});
