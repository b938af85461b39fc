import { describe, expect, it } from 'vitest';
import { findQemuProcess } from './qemu-process.ts';
import { keepVms, unescapeLabel } from './scrape-scope.ts';

const EXPOSITION = [
  '# HELP qmpdeck_vm_up 1 when up',
  '# TYPE qmpdeck_vm_up gauge',
  'qmpdeck_vm_up{vm="web"} 1',
  'qmpdeck_vm_up{vm="db"} 0',
  'qmpdeck_vm_up{vm="we\\"b"} 1',
  '# HELP qmpdeck_commands_total Commands',
  '# TYPE qmpdeck_commands_total counter',
  'qmpdeck_commands_total{vm="db",command="xvm=\\"web\\"",outcome="ok"} 2',
  'qmpdeck_commands_total{command="stop",vm="web",outcome="ok"} 1',
  '# HELP qmpdeck_websocket_clients Clients',
  '# TYPE qmpdeck_websocket_clients gauge',
  'qmpdeck_websocket_clients 3',
  '',
].join('\n');

describe('keepVms', () => {
  it("keeps only the allowed VMs' samples, every family's HELP and TYPE, and series of no VM", () => {
    const kept = keepVms(EXPOSITION, (vm) => vm === 'web');
    expect(kept.split('\n')).toEqual([
      '# HELP qmpdeck_vm_up 1 when up',
      '# TYPE qmpdeck_vm_up gauge',
      'qmpdeck_vm_up{vm="web"} 1',
      '# HELP qmpdeck_commands_total Commands',
      '# TYPE qmpdeck_commands_total counter',
      'qmpdeck_commands_total{command="stop",vm="web",outcome="ok"} 1',
      '# HELP qmpdeck_websocket_clients Clients',
      '# TYPE qmpdeck_websocket_clients gauge',
      'qmpdeck_websocket_clients 3',
      '',
    ]);
  });

  it('reads escaped VM ids as they are, and is not fooled by vm= inside another label value', () => {
    expect(keepVms(EXPOSITION, (vm) => vm === 'we"b')).toContain('qmpdeck_vm_up{vm="we\\"b"} 1');
    expect(keepVms(EXPOSITION, (vm) => vm === 'web')).not.toContain('xvm=');
    expect(unescapeLabel('a\\\\b\\nc\\"d')).toBe('a\\b\nc"d');
  });
});

describe('findQemuProcess', () => {
  it('finds no QEMU for threads that are not on this host, nor for a process that is no QEMU', async () => {
    expect(await findQemuProcess([2 ** 30], null)).toEqual({
      found: false,
      why: `thread ${2 ** 30} is not on this host`,
    });
    const self = await findQemuProcess([process.pid], null);
    expect(self.found).toBe(false);
    expect(self).toMatchObject({ why: expect.stringContaining('is not a QEMU here') });
    expect(await findQemuProcess([], null)).toMatchObject({ found: false });
  });
});
