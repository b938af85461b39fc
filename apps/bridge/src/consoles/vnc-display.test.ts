import { describe, expect, it } from 'vitest';
import { displayFromVncInfo } from './vnc-display.ts';

// Shapes as QEMU 7.2 answers query-vnc (docs: /work/shared/qmp/consoles-devices-jobs.md §1).
describe('displayFromVncInfo', () => {
  it('connects to a unix socket display by its path', () => {
    expect(
      displayFromVncInfo({
        enabled: true,
        auth: 'none',
        family: 'unix',
        service: '/run/vm/vnc.sock',
        host: '',
        clients: [],
      }),
    ).toEqual({ address: { path: '/run/vm/vnc.sock' } });
  });

  it('connects to a TCP display by host and port, a wildcard address on loopback', () => {
    const tcp = { enabled: true, auth: 'none', clients: [] };
    expect(displayFromVncInfo({ ...tcp, family: 'ipv4', service: '5977', host: '127.0.0.1' })).toEqual({
      address: { host: '127.0.0.1', port: 5977 },
    });
    expect(displayFromVncInfo({ ...tcp, family: 'ipv4', service: '5980', host: '0.0.0.0' })).toEqual({
      address: { host: '127.0.0.1', port: 5980 },
    });
    expect(displayFromVncInfo({ ...tcp, family: 'ipv6', service: '5901', host: '::' })).toEqual({
      address: { host: '::1', port: 5901 },
    });
  });

  it('says why there is nothing to proxy: no -vnc, or authentication that encrypts the stream', () => {
    expect(displayFromVncInfo({ enabled: false })).toEqual({
      none: expect.stringContaining('no VNC display'),
    });
    expect(
      displayFromVncInfo({
        enabled: true,
        auth: 'vencrypt+x509+vnc',
        family: 'ipv4',
        service: '5900',
        host: '127.0.0.1',
      }),
    ).toEqual({ none: expect.stringContaining('"vencrypt+x509+vnc" authentication') });
  });

  it('passes a password-protected display (VNC authentication keeps the stream readable)', () => {
    expect(
      displayFromVncInfo({ enabled: true, auth: 'vnc', family: 'unix', service: '/v.sock', host: '' }),
    ).toEqual({
      address: { path: '/v.sock' },
    });
  });
});
