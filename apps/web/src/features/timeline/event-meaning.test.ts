import { describe, expect, it } from 'vitest';
import { eventKind } from './event-kind.ts';
import { causeLine, eventCause, eventMeaning } from './event-meaning.ts';

describe('eventMeaning', () => {
  it("tells a guest shutdown from a host one, with QEMU's own reason word", () => {
    expect(eventMeaning({ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' } })).toBe(
      'the guest shut itself down (reason: guest-shutdown)',
    );
    expect(eventMeaning({ event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } })).toBe(
      'the VM was shut down by a quit command (reason: host-qmp-quit)',
    );
    expect(eventMeaning({ event: 'RESET', data: { guest: false, reason: 'host-qmp-system-reset' } })).toBe(
      'the VM was reset by a system_reset command (reason: host-qmp-system-reset)',
    );
    expect(eventMeaning({ event: 'RESET', data: { guest: true, reason: 'guest-reset' } })).toBe(
      'the guest reset itself (reason: guest-reset)',
    );
    // A reason this table does not know (a newer QEMU) still shows as QEMU says it.
    expect(eventMeaning({ event: 'SHUTDOWN', data: { guest: false, reason: 'host-future' } })).toBe(
      'the VM was shut down (reason: host-future)',
    );
  });

  it('says "running again" only after the VM ran before; a first boot from prelaunch reads as a start', () => {
    expect(eventMeaning({ event: 'RESUME' }, 'paused')).toBe('the VM is running again');
    expect(eventMeaning({ event: 'RESUME' }, 'prelaunch')).toBe(
      'the VM started running: its first boot (from prelaunch)',
    );
    expect(eventMeaning({ event: 'RESUME' })).toBe('the VM started running');
  });

  it('names the device of a tray move', () => {
    expect(
      eventMeaning({ event: 'DEVICE_TRAY_MOVED', data: { device: 'ide1-cd0', 'tray-open': true } }),
    ).toBe('tray opened on ide1-cd0');
  });

  it('reads an unknown event by its name', () => {
    expect(eventMeaning({ event: 'FUTURE_THING' })).toBe('future thing');
  });
});

describe('causeLine', () => {
  it('says which command, from where and by whom', () => {
    expect(
      causeLine({
        command: 'stop',
        id: '1',
        client: 'c1',
        user: 'alice',
        origin: 'Pause button',
        remote: null,
      }),
    ).toBe('after `stop` by alice via the Pause button');
  });

  it('names the user first, then the control and the address', () => {
    expect(
      causeLine({
        command: 'cont',
        id: '1',
        client: 'c4',
        user: 'ana',
        origin: 'overview Resume button',
        remote: '192.0.2.7',
      }),
    ).toBe('after `cont` by ana via the overview Resume button (192.0.2.7)');
    expect(
      causeLine({ command: 'quit', id: '2', client: 'http', user: 'ana', origin: 'http', remote: null }),
    ).toBe('after `quit` by ana over HTTP');
    expect(
      causeLine({ command: 'stop', id: '3', client: 'c9', user: 'ana', origin: null, remote: null }),
    ).toBe('after `stop` by ana from client c9');
  });

  it('says a command came over HTTP', () => {
    expect(
      causeLine({ command: 'cont', id: '2', client: 'h1', user: null, origin: 'http', remote: '127.0.0.1' }),
    ).toBe('after `cont` over HTTP (127.0.0.1)');
  });

  it("names a QMP proxy client (qmp-shell, a script) by the bridge's id for it", () => {
    expect(
      causeLine({
        command: 'stop',
        id: '7',
        client: 'qmp-proxy-3',
        user: 'ada',
        origin: 'qmp-proxy',
        remote: null,
      }),
    ).toBe('after `stop` by ada via QMP proxy client qmp-proxy-3');
  });

  it('is absent when the bridge does not know the cause', () => {
    expect(causeLine(null)).toBeNull();
  });

  it("is never given for a guest's own RESET, even when the bridge named a system_reset sent just before", () => {
    const cause = { command: 'system_reset', id: '3', client: 'c1', user: null, origin: 'Reset button' };
    const reset = (guest: boolean) => ({
      event: 'RESET',
      data: { guest, reason: guest ? 'guest-reset' : 'host-qmp-system-reset' },
      cause,
    });
    expect(eventCause(reset(true))).toBeNull();
    expect(eventMeaning(reset(true))).toBe('the guest reset itself (reason: guest-reset)');
    expect(causeLine(eventCause(reset(false)))).toBe('after `system_reset` from the Reset button');
  });
});

describe('eventKind', () => {
  it('sorts events into kinds', () => {
    expect(eventKind('STOP')).toBe('run-state');
    expect(eventKind('DEVICE_TRAY_MOVED')).toBe('block');
    expect(eventKind('BRIDGE_DISCONNECTED')).toBe('bridge');
    expect(eventKind('BRIDGE_GUEST_AGENT_CONNECTED')).toBe('guest');
    expect(eventKind('MIGRATION')).toBe('migration');
    expect(eventKind('DEVICE_DELETED')).toBe('device');
  });
});
