import type { EventRecord } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { NOBODY } from '../auth/principal.ts';
import type { CommandRecord } from '../commands/command-audit.ts';
import { LinkMemory } from './link-memory.ts';

const setLink = (
  vm: string,
  name: string,
  up: boolean,
  outcome: CommandRecord['outcome'] = 'ok',
): CommandRecord => ({
  request: {
    vm,
    target: 'qmp',
    command: 'set_link',
    arguments: { name, up },
    actor: { client: 'c1', user: null, origin: null },
    principal: NOBODY,
  },
  arguments: { name, up },
  outcome,
  error: null,
  durationMs: 1,
});
const event = (vm: string, name: string, data?: Record<string, unknown>): EventRecord => ({
  vm,
  seq: 1,
  event: name,
  timestamp: { seconds: 0, microseconds: 0 },
  ...(data ? { data } : {}),
});

describe('LinkMemory', () => {
  it('remembers the newest set_link under any of a NIC’s names, per VM, and only those that succeeded', () => {
    const links = new LinkMemory();
    expect(links.linkOf('a', ['nic0', 'net0'])).toBe('unknown');
    links.record(setLink('a', 'nic0', false));
    links.record(setLink('a', 'net0', true));
    links.record(setLink('a', 'nic0', false, 'error'));
    expect(links.linkOf('a', ['nic0', 'net0'])).toBe('up');
    expect(links.linkOf('a', ['nic0'])).toBe('down');
    expect(links.linkOf('b', ['nic0'])).toBe('unknown');
  });

  it('forgets a NIC QEMU deleted, and everything on a new connection', () => {
    const links = new LinkMemory();
    links.record(setLink('a', 'nic0', false));
    links.record(setLink('a', 'nic1', false));
    links.eventRecorded(event('a', 'DEVICE_DELETED', { device: 'nic0', path: '/machine/peripheral/nic0' }));
    expect(links.linkOf('a', ['nic0'])).toBe('unknown');
    expect(links.linkOf('a', ['nic1'])).toBe('down');
    links.eventRecorded(event('a', 'BRIDGE_CONNECTED'));
    expect(links.linkOf('a', ['nic1'])).toBe('unknown');
  });
});
