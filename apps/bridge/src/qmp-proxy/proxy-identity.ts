/**
 * Who a QMP proxy client is, for the command pipeline's policy and audit. THE ONE PLACE the proxy maps a
 * connection to a user; the users and roles themselves (config `users`) belong to the access-control work.
 *
 * - unix socket: Node cannot read the peer's uid (no SO_PEERCRED), so the socket's permissions decide who can
 *   connect at all (the bridge's user, or the configured group), and every such client acts as `qmpProxy.user`
 *   (null when none is configured: the pipeline's policy then sees no user, which without users means full access).
 * - TCP (loopback only, any local user can connect): the client must authenticate first, by running
 *   `__org.qmpdeck_authenticate {"token": ...}` with the content of the token file (tcp-token.ts), readable by the
 *   same people as the sockets; it then acts as `qmpProxy.user` too.
 */
import type { Principal } from '../auth/principal.ts';
import type { TcpToken } from './tcp-token.ts';

/** The QMP command a TCP client authenticates with: a downstream extension name, which QEMU never uses. */
export const AUTHENTICATE_COMMAND = '__org.qmpdeck_authenticate';

export interface ProxyIdentity {
  /** A unix-socket client: it got past the socket's permissions. */
  unixClient(): Principal;
  /** A TCP client's token: who it is, or null when the token is wrong. */
  tcpClient(token: string): Principal | null;
}

/** Today's mapping: one configured user (or none) for every client that may connect. */
export function configuredIdentity(principal: Principal, token: TcpToken | null): ProxyIdentity {
  return {
    unixClient: () => principal,
    tcpClient: (candidate) => (token?.matches(candidate) ? principal : null),
  };
}
