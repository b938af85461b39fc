/** The Console tab's URLs: parsed and built, the pop-out flag, the sources a VM offers. */
import { describe, expect, it } from 'vitest';
import { availableSources, consoleHref, isPopout, parseConsolePath, SCREEN } from './console-route.ts';

describe('console route', () => {
  it('parses the tab, the screen and a serial port', () => {
    expect(parseConsolePath('/vms/alpha/console')).toEqual({ vmId: 'alpha', source: null });
    expect(parseConsolePath('/vms/alpha/console/screen')).toEqual({ vmId: 'alpha', source: SCREEN });
    expect(parseConsolePath('/vms/a%20b/console/serial/serial0')).toEqual({
      vmId: 'a b',
      source: { kind: 'serial', name: 'serial0' },
    });
    expect(parseConsolePath('/vms/alpha/info')).toBeNull();
    expect(parseConsolePath('/vms/alpha/console/other')).toBeNull();
  });

  it('builds the same URLs back, with ?popout=1 for the pop-out', () => {
    expect(consoleHref('a b', { kind: 'serial', name: 'con 0' })).toBe('/vms/a%20b/console/serial/con%200');
    expect(consoleHref('alpha', SCREEN, { popout: true })).toBe('/vms/alpha/console/screen?popout=1');
    expect(consoleHref('alpha', null)).toBe('/vms/alpha/console');
    const href = consoleHref('x/y', { kind: 'serial', name: 'serial0' });
    expect(parseConsolePath(href)).toEqual({ vmId: 'x/y', source: { kind: 'serial', name: 'serial0' } });
    expect(isPopout('?popout=1')).toBe(true);
    expect(isPopout('?popout=0')).toBe(false);
    expect(isPopout('')).toBe(false);
  });

  it('offers the screen first, then each serial port', () => {
    expect(availableSources({ vnc: true, serial: ['serial0', 'con0'] })).toEqual([
      SCREEN,
      { kind: 'serial', name: 'serial0' },
      { kind: 'serial', name: 'con0' },
    ]);
    expect(availableSources({ vnc: false, serial: [] })).toEqual([]);
    expect(availableSources(undefined)).toEqual([]);
  });
});
