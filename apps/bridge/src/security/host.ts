/**
 * DNS rebinding guard. A page on evil.example can make its own name resolve to
 * 127.0.0.1 and then talk to the bridge as "same origin"; the Host header still
 * says evil.example, so only loopback names (and names the config allows, for
 * a reverse proxy) are served.
 */
import type { IncomingMessage } from 'node:http';

export function hostNameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return (host.split(':')[0] ?? '').toLowerCase();
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function isHostAllowed(req: IncomingMessage, allowedHosts: readonly string[] = []): boolean {
  const host = req.headers.host;
  // Browsers always send Host; a client without one is not a browser page.
  if (host === undefined) return true;
  const name = hostNameOf(host);
  return isLoopbackName(name) || allowedHosts.some((allowed) => allowed.toLowerCase() === name);
}
