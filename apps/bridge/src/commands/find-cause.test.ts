import type { Actor } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import type { CommandTarget } from './command-request.ts';
import { findCause } from './find-cause.ts';
import { InflightCommands } from './inflight-commands.ts';

const alice: Actor = { client: 'c1', user: 'alice', origin: 'Pause button', remote: '127.0.0.1' };

function begin(
  commands: InflightCommands,
  execute: string,
  id: string,
  args?: Record<string, unknown>,
  target: CommandTarget = 'qmp',
) {
  return commands.begin({ execute, arguments: args, actor: alice, target, id, timeoutMs: 5000 });
}

describe('findCause', () => {
  it('names the oldest command in flight that can cause the event, never a query', () => {
    const commands = new InflightCommands('a', () => {});
    begin(commands, 'query-status', 'q');
    begin(commands, 'stop', 's');
    begin(commands, 'cont', 'c');
    expect(findCause(commands, { event: 'STOP' })).toEqual({
      command: 'stop',
      arguments: null,
      id: 's',
      client: 'c1',
      user: 'alice',
      origin: 'Pause button',
      remote: '127.0.0.1',
    });
    expect(findCause(commands, { event: 'RESUME' })?.id).toBe('c');
  });

  it("does not blame a command for an event it cannot produce (a guest's network event after stop)", () => {
    const commands = new InflightCommands('a', () => {});
    const stop = begin(commands, 'stop', 's');
    expect(findCause(commands, { event: 'NIC_RX_FILTER_CHANGED', data: { path: '/x' } })).toBeNull();
    commands.complete(stop, 1000);
    expect(findCause(commands, { event: 'NIC_RX_FILTER_CHANGED', data: { path: '/x' } }, 1100)).toBeNull();
    expect(findCause(commands, { event: 'STOP' }, 1100)?.id).toBe('s');
  });

  it("names system_reset for the host's RESET only, not the guest's own RESET right after it", () => {
    const commands = new InflightCommands('a', () => {});
    const reset = begin(commands, 'system_reset', 'r');
    const host = { event: 'RESET', data: { guest: false, reason: 'host-qmp-system-reset' } };
    expect(findCause(commands, host)?.command).toBe('system_reset');
    commands.complete(reset, 1000);
    expect(
      findCause(commands, { event: 'RESET', data: { guest: true, reason: 'guest-reset' } }, 1010),
    ).toBeNull();
  });

  it('keeps a command as the cause within its window after the answer, then lets go', () => {
    const commands = new InflightCommands('a', () => {});
    const eject = begin(commands, 'eject', 'e', { device: 'cd0' });
    commands.complete(eject, 1000);
    expect(findCause(commands, { event: 'DEVICE_TRAY_MOVED' }, 2000)?.command).toBe('eject');
    expect(findCause(commands, { event: 'DEVICE_TRAY_MOVED' }, 2001)).toBeNull();
  });

  it('gives a guest time to act on the power button, and names it for the SHUTDOWN the guest then sends', () => {
    const commands = new InflightCommands('a', () => {});
    const powerdown = begin(commands, 'system_powerdown', 'p');
    commands.complete(powerdown, 1000);
    const shutdown = { event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' } };
    expect(findCause(commands, shutdown, 9000)?.command).toBe('system_powerdown');
    expect(
      findCause(commands, { event: 'SHUTDOWN', data: { guest: true, reason: 'guest-panic' } }, 9000),
    ).toBeNull();
  });

  it("matches a job's later events by its id", () => {
    const commands = new InflightCommands('a', () => {});
    const backup = begin(commands, 'blockdev-backup', 'b', { 'job-id': 'bk1', device: 'd', target: 't' });
    commands.complete(backup, 1000);
    expect(findCause(commands, { event: 'BLOCK_JOB_COMPLETED', data: { device: 'bk1' } }, 60_000)?.id).toBe(
      'b',
    );
    expect(
      findCause(commands, { event: 'BLOCK_JOB_COMPLETED', data: { device: 'other' } }, 60_000),
    ).toBeNull();
  });

  it('names a guest agent command and a bridge action for what they cause', () => {
    const commands = new InflightCommands('a', () => {});
    const shutdown = begin(commands, 'guest-shutdown', 'g', undefined, 'guest');
    commands.complete(shutdown, 1000);
    expect(
      findCause(commands, { event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' } }, 4000)?.id,
    ).toBe('g');
    begin(commands, 'vm.kill', 'k', undefined, 'bridge');
    expect(findCause(commands, { event: 'BRIDGE_PROCESS_EXITED' })?.command).toBe('vm.kill');
  });

  it('reports every change of the in-flight list, and resolves whenEmpty when the last one completes', async () => {
    const lists: number[] = [];
    const commands = new InflightCommands('a', (list) => lists.push(list.length));
    await commands.whenEmpty();
    const one = begin(commands, 'stop', 'x');
    const two = begin(commands, 'stop', 'y');
    let empty = false;
    const waiting = commands.whenEmpty().then(() => {
      empty = true;
    });
    commands.complete(one);
    await Promise.resolve();
    expect(empty).toBe(false);
    commands.complete(two);
    await waiting;
    expect(lists).toEqual([1, 2, 1, 0]);
  });

  it("names a backup transaction for the events of the jobs it started, not another job's", () => {
    const commands = new InflightCommands('a', () => {});
    const backup = (id: string) => ({
      type: 'blockdev-backup',
      data: { 'job-id': id, device: 'd', target: 't' },
    });
    const entry = begin(commands, 'transaction', 't1', { actions: [backup('bk-0'), backup('bk-1')] });
    commands.complete(entry);
    expect(findCause(commands, { event: 'BLOCK_JOB_COMPLETED', data: { device: 'bk-1' } })?.id).toBe('t1');
    expect(
      findCause(commands, { event: 'JOB_STATUS_CHANGE', data: { id: 'bk-0', status: 'concluded' } })?.id,
    ).toBe('t1');
    expect(findCause(commands, { event: 'BLOCK_JOB_COMPLETED', data: { device: 'other' } })).toBeNull();
  });
});
