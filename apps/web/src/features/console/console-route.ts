/**
 * The Console tab's URLs: `/vms/:id/console` (the default source), `/vms/:id/console/screen` and
 * `/vms/:id/console/serial/:name` (a serial port by its chardev id), each with `?popout=1` for the pop-out window
 * (the console alone, without the app's header and tabs). "screen" and "serial/" cannot clash with a port's name.
 */
import type { Consoles } from '@qmpdeck/protocol';

export type ConsoleSource = { kind: 'screen' } | { kind: 'serial'; name: string };

export const SCREEN: ConsoleSource = { kind: 'screen' };

export function sourceKey(source: ConsoleSource): string {
  return source.kind === 'screen' ? 'screen' : `serial/${source.name}`;
}

export function sameSource(a: ConsoleSource | null, b: ConsoleSource | null): boolean {
  return a !== null && b !== null && sourceKey(a) === sourceKey(b);
}

/** The screen first (when there is one), then each serial port in the bridge's order. */
export function availableSources(consoles: Consoles | undefined): ConsoleSource[] {
  if (!consoles) return [];
  return [
    ...(consoles.vnc ? [SCREEN] : []),
    ...consoles.serial.map((name) => ({ kind: 'serial' as const, name })),
  ];
}

export function consoleHref(
  vmId: string,
  source: ConsoleSource | null,
  options: { popout?: boolean } = {},
): string {
  const base = `/vms/${encodeURIComponent(vmId)}/console`;
  const path =
    source === null
      ? base
      : source.kind === 'screen'
        ? `${base}/screen`
        : `${base}/serial/${encodeURIComponent(source.name)}`;
  return options.popout ? `${path}?popout=1` : path;
}

export interface ConsoleLocation {
  vmId: string;
  /** Null for `/vms/:id/console` itself: the default source. */
  source: ConsoleSource | null;
}

const CONSOLE_PATH = /^\/vms\/([^/]+)\/console(?:\/(screen|serial\/([^/]+)))?\/?$/;

/** The VM and source a path names, or null when it is not a Console tab path (or names no source we know). */
export function parseConsolePath(pathname: string): ConsoleLocation | null {
  const match = CONSOLE_PATH.exec(pathname);
  if (!match?.[1]) return null;
  const vmId = decodeURIComponent(match[1]);
  if (!match[2]) return { vmId, source: null };
  if (match[2] === 'screen') return { vmId, source: SCREEN };
  return { vmId, source: { kind: 'serial', name: decodeURIComponent(match[3] ?? '') } };
}

export function isPopout(search: string): boolean {
  return new URLSearchParams(search).get('popout') === '1';
}
