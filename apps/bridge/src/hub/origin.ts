/**
 * Which browser pages may open the WebSocket. Browsers send `Origin` on every
 * upgrade and cannot forge it, so a cross-site page (a malicious tab driving
 * your VMs) is refused; clients that are not browsers send none and are let in.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isOriginAllowed(req: IncomingMessage, allowedOrigins: readonly string[] = []): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = req.headers.host;
  if (host !== undefined && url.host === host) return true;
  // A dev server on another loopback port (vite on :5173 proxying to the bridge) is the same person.
  const hostName = host === undefined ? '' : hostNameOf(host);
  return LOOPBACK.has(url.hostname) && LOOPBACK.has(hostName);
}

function hostNameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? '';
}
