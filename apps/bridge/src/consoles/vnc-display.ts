/**
 * Where a VM's VNC display listens, as the proxy connects to it: from the VM's config (`vnc`), or from QEMU's own
 * `query-vnc` after each QMP connect (`-vnc unix:PATH` or `-vnc HOST:N`). A display the proxy cannot use says why,
 * and the routes answer that as `NoDisplay`.
 */
import type { QmpAddress, QmpClient, ReturnOf } from '@qmpdeck/qmp';

export type VncInfo = ReturnOf<'query-vnc'>;

/** A display to connect to, or the reason there is none to proxy. */
export type Display = { address: QmpAddress } | { none: string };

/** Authentication that keeps the RFB stream readable for the proxy (which must follow the client's messages). */
const READABLE_AUTH = new Set(['none', 'vnc']);
const QUERY_TIMEOUT_MS = 5000;

export const NO_DISPLAY_YET: Display = { none: 'the VM has not been connected yet' };

export function displayFromVncInfo(info: VncInfo): Display {
  if (!info.enabled || info.service === undefined) {
    return { none: 'the VM has no VNC display (start QEMU with -vnc, or give the VM "vnc" in the config)' };
  }
  if (info.auth !== undefined && !READABLE_AUTH.has(info.auth)) {
    return {
      none: `the VM's VNC display uses "${info.auth}" authentication, which encrypts the stream; the bridge can only proxy "none" or "vnc"`,
    };
  }
  if (info.family === 'unix') return { address: { path: info.service } };
  const port = Number(info.service);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    return { none: `QEMU reports a VNC service "${info.service}" that is not a port` };
  }
  return { address: { host: connectableHost(info.host ?? ''), port } };
}

/** A wildcard listen address is reached on loopback; anything else as QEMU says. */
function connectableHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/**
 * Asks QEMU. A QEMU built without VNC answers CommandNotFound: no display. Any other failure (the connection ended
 * mid-query, a timeout) rejects, and the caller keeps what it knew.
 */
export async function lookUpDisplay(client: QmpClient): Promise<Display> {
  try {
    return displayFromVncInfo(await client.execute('query-vnc', undefined, { timeoutMs: QUERY_TIMEOUT_MS }));
  } catch (err) {
    if ((err as { class?: string }).class !== 'CommandNotFound') throw err;
    return { none: 'this QEMU has no VNC support (query-vnc is not a command)' };
  }
}
