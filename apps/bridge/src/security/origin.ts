/**
 * Which browser pages may drive the bridge (WebSocket upgrades and HTTP requests
 * that change something). Browsers send `Origin` on these and pages cannot forge
 * it, so a cross-site page (a malicious tab driving your VMs) is refused; clients
 * that are not browsers send none and are let in. The Host header itself is
 * checked separately (host.ts), against DNS rebinding.
 */
import type { IncomingMessage } from 'node:http';
import { hostNameOf, isLoopbackName } from './host.ts';

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
  return host !== undefined && isLoopbackName(url.hostname) && isLoopbackName(hostNameOf(host));
}
