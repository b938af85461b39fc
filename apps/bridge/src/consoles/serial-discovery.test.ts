import { describe, expect, it } from 'vitest';
import { serialPortsFrom, unixServerPath } from './serial-discovery.ts';

// query-chardev as QEMU 7.2 answered it for -serial chardev:serial0, -serial unix:..., a virtconsole, the agent's
// virtserialport, a pci-serial, an HMP monitor on a socket and -qmp.
const CHARDEVS = [
  { 'frontend-open': true, filename: 'disconnected:unix:/tmp/v/p2.sock,server=on', label: 'p2' },
  { 'frontend-open': true, filename: 'unix:/tmp/v/qmp.sock,server=on', label: 'compat_monitor1' },
  { 'frontend-open': true, filename: 'disconnected:unix:/tmp/v/s1.sock,server=on', label: 'serial1' },
  { 'frontend-open': true, filename: 'disconnected:unix:/tmp/v/con.sock,server=on', label: 'con0' },
  {
    'frontend-open': true,
    filename: 'disconnected:unix:/tmp/v/hmp.sock,server=on',
    label: 'compat_monitor0',
  },
  { 'frontend-open': false, filename: 'disconnected:unix:/tmp/v/qga.sock,server=on', label: 'qga0' },
  { 'frontend-open': true, filename: 'unix:/tmp/v/serial.sock,server=on', label: 'serial0' },
  { 'frontend-open': true, filename: 'tcp:127.0.0.1:4555,server=on', label: 'serial2' },
  { 'frontend-open': true, filename: 'unix:/tmp/v/out.sock', label: 'serial3' },
];

describe('unixServerPath', () => {
  it('reads the path of a unix server chardev, connected or not', () => {
    expect(unixServerPath('unix:/tmp/v/serial.sock,server=on')).toBe('/tmp/v/serial.sock');
    expect(unixServerPath('disconnected:unix:/tmp/a b/s,1.sock,server=on')).toBe('/tmp/a b/s,1.sock');
  });

  it('is null for TCP, client-mode sockets, files and the rest', () => {
    expect(unixServerPath('tcp:127.0.0.1:4555,server=on')).toBeNull();
    expect(unixServerPath('unix:/tmp/out.sock')).toBeNull();
    expect(unixServerPath('file')).toBeNull();
    expect(unixServerPath('pty:/dev/pts/3')).toBeNull();
    expect(unixServerPath('unix:,server=on')).toBeNull();
  });
});

describe('serialPortsFrom', () => {
  it('keeps the unix server chardevs behind serial frontends, sorted by name', () => {
    // What QOM said: isa-serial -> serial0, serial1, serial2 (tcp), serial3 (client); virtconsole -> con0;
    // pci-serial -> p2; virtserialport (the agent) is no serial frontend, so qga0 is not among them.
    const frontends = new Set(['serial0', 'serial1', 'serial2', 'serial3', 'con0', 'p2']);
    expect(serialPortsFrom(CHARDEVS, frontends, [])).toEqual([
      { name: 'con0', socket: '/tmp/v/con.sock' },
      { name: 'p2', socket: '/tmp/v/p2.sock' },
      { name: 'serial0', socket: '/tmp/v/serial.sock' },
      { name: 'serial1', socket: '/tmp/v/s1.sock' },
    ]);
  });

  it("never offers a monitor's or the agent's chardev, even were one behind a frontend", () => {
    const everything = new Set(CHARDEVS.map((c) => c.label));
    const names = serialPortsFrom(CHARDEVS, everything, ['/tmp/v/qmp.sock', '/tmp/v/qga.sock']).map(
      (p) => p.name,
    );
    expect(names).not.toContain('compat_monitor1');
    expect(names).not.toContain('qga0');
  });
});
