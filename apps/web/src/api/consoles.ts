/**
 * The VM's consoles on the bridge: where the screen (`/vnc`) and serial ports (`/serial/:name`) are proxied as
 * WebSockets, a port's log, and the screenshot behind the overview's thumbnails. A refused WebSocket upgrade's
 * answer cannot be read by a page, so `probeConsole` asks the same path over plain HTTP for the bridge's
 * `{ error }` body.
 */
import { type ErrorBody, ErrorResponse } from '@qmpdeck/protocol';
import { RequestError } from './request-error.ts';

const vmPath = (id: string) => `/api/vms/${encodeURIComponent(id)}`;

export const consolePaths = {
  vnc: (vm: string) => `${vmPath(vm)}/vnc`,
  serial: (vm: string, name: string) => `${vmPath(vm)}/serial/${encodeURIComponent(name)}`,
  serialLog: (vm: string, name: string) => `${vmPath(vm)}/serial/${encodeURIComponent(name)}/log`,
  screenshot: (vm: string) => `${vmPath(vm)}/screenshot`,
};

/** The same origin's ws:// or wss:// URL of an API path. */
export function webSocketUrl(
  path: string,
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

/** The bridge's error for a console path, or null when it gives none (or cannot be reached). */
export async function probeConsole(path: string): Promise<ErrorBody | null> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (response.ok) return null;
  const parsed = ErrorResponse.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? parsed.data.error : null;
}

export interface Screenshot {
  etag: string | null;
  image: Blob;
}

/**
 * The VM's screen as PNG; `previous` makes it a conditional request, and an unchanged screen (304) answers
 * `previous` itself, so nothing downstream sees a change.
 */
export async function fetchScreenshot(vm: string, previous?: Screenshot): Promise<Screenshot> {
  const headers: Record<string, string> = { accept: 'image/png' };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  let response: Response;
  try {
    response = await fetch(consolePaths.screenshot(vm), { headers });
  } catch (error) {
    throw new RequestError({
      class: 'BridgeUnreachable',
      desc: `The bridge did not answer: ${String(error)}`,
    });
  }
  if (response.status === 304 && previous) return previous;
  if (!response.ok) {
    const parsed = ErrorResponse.safeParse(await response.json().catch(() => undefined));
    throw new RequestError(
      parsed.success
        ? parsed.data.error
        : { class: 'BadResponse', desc: `HTTP ${response.status} from the screenshot` },
      response.status,
    );
  }
  return { etag: response.headers.get('etag'), image: await response.blob() };
}
