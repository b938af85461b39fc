/**
 * Who a QMP proxy client is, for the command pipeline's policy, scope and audit. THE ONE PLACE the proxy turns a
 * connection into a `Principal`.
 *
 * Node cannot read a unix peer's uid (no SO_PEERCRED), so the socket's permissions decide who can connect at all
 * (the bridge's user, or the configured group); TCP is on loopback, where any local user can connect.
 *
 *   bridge without users  unix: everyone who can connect may do everything (as on the loopback HTTP API).
 *                         TCP: first `__org.qmpdeck_authenticate {"token"}` with the per-start token file
 *                         (tcp-token.ts), readable by the same people as the sockets; then everything.
 *   bridge with users     unix: every client acts as `qmpProxy.user`; with no `qmpProxy.user`, a unix client
 *                         authenticates as a TCP one does (never full access for whoever got past the socket).
 *                         TCP: `__org.qmpdeck_authenticate {"token"}` with a user's API token: the Authenticator's
 *                         own check, failure limiter and delays, as a bearer token on HTTP (no token file).
 *
 * A user who may not see the VM is refused: a unix client acting as `qmpProxy.user` when it connects (no greeting,
 * closed), a token's user when it presents it (`Forbidden`, closed). Token sign-ins and their failures, and those
 * refusals, are audit-log rows (`sign-in`, `sign-in-failed`) filed under the VM.
 */
import type { AuditKind } from '@qmpdeck/protocol';
import type { AuditStore } from '../audit/audit-store.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import { NOBODY, type Principal, principalSees } from '../auth/principal.ts';
import { sessionUserOf, type Users } from '../auth/users.ts';
import { badRequest, forbidden, toErrorBody, unauthorized } from '../bridge-error.ts';
import type { Logger } from '../log.ts';
import type { TcpToken } from './tcp-token.ts';

/** The QMP command a client authenticates with: a downstream extension name, which QEMU never uses. */
export const AUTHENTICATE_COMMAND = '__org.qmpdeck_authenticate';

/** Failures of unix clients, which have no address, are counted together under this key. */
const UNIX_FAILURE_KEY = 'unix-socket';

export interface ProxyClient {
  vm: string;
  /** `qmp-proxy-N`. */
  id: string;
  transport: 'unix' | 'tcp';
  /** A TCP client's address; null on the unix socket. */
  remote: string | null;
}

/** What a client is when it connects. */
export type Admission =
  | { kind: 'acts-as'; principal: Principal }
  | { kind: 'must-authenticate' }
  | { kind: 'refused' };

export interface ProxyIdentityDeps {
  users: Users;
  auth: Authenticator;
  audit: AuditStore;
  log: Logger;
  /** `qmpProxy.user` (the loader checked that it names a configured user). */
  configuredUser: string | undefined;
  /** The token file's token: TCP on a bridge without users. */
  tcpToken: TcpToken | null;
}

export class ProxyIdentity {
  /** Who a unix client acts as; null when it must authenticate. */
  readonly #unixPrincipal: Principal | null;

  constructor(readonly deps: ProxyIdentityDeps) {
    this.#unixPrincipal = unixPrincipal(deps.users, deps.configuredUser);
  }

  /** Whether unix clients must authenticate (users, and no `qmpProxy.user`): the proxy says so once at start. */
  get unixClientsAuthenticate(): boolean {
    return this.#unixPrincipal === null;
  }

  /** How a client that has not authenticated is told to. */
  get authenticateHint(): string {
    const how = `run ${AUTHENTICATE_COMMAND} with {"token": ...}`;
    if (this.deps.users.any) return `${how}, your API token`;
    return `${how}, the content of ${this.deps.tcpToken?.path ?? 'the token file'}`;
  }

  /** A new connection: who it acts as, or that it must authenticate; a refusal is logged and audited here. */
  admit(client: ProxyClient): Admission {
    const principal = client.transport === 'unix' ? this.#unixPrincipal : null;
    if (principal === null) return { kind: 'must-authenticate' };
    if (principalSees(principal, client.vm)) return { kind: 'acts-as', principal };
    this.#refuseScope(client, principal, performance.now());
    return { kind: 'refused' };
  }

  /**
   * A token presented with `__org.qmpdeck_authenticate`: the principal it proves, or throws the `{ class, desc }`
   * to answer (`Unauthorized`, `TooManyRequests`, `Forbidden` for a user who may not see the VM).
   */
  async authenticate(token: string, client: ProxyClient): Promise<Principal> {
    const started = performance.now();
    let principal: Principal;
    try {
      principal = await this.#check(token, client);
    } catch (err) {
      const { body } = toErrorBody(err);
      this.#audit('sign-in-failed', client, null, started, body);
      throw err;
    }
    if (!principalSees(principal, client.vm)) throw this.#refuseScope(client, principal, started);
    this.#audit('sign-in', client, principal, started, null);
    this.deps.log.info(
      { vm: client.vm, client: client.id, user: principal.user?.name ?? null },
      'QMP proxy client authenticated',
    );
    return principal;
  }

  #check(token: string, client: ProxyClient): Promise<Principal> {
    const { users, auth, tcpToken, log } = this.deps;
    if (users.any) return auth.authenticateToken(token, client.remote ?? UNIX_FAILURE_KEY);
    if (client.transport === 'unix' && tcpToken === null) {
      throw badRequest('this bridge has no users: clients of its unix sockets need no token');
    }
    if (tcpToken?.matches(token)) return Promise.resolve(NOBODY);
    log.warn(
      { vm: client.vm, client: client.id, remote: client.remote },
      'QMP proxy client sent a wrong token',
    );
    throw unauthorized('the token is not valid');
  }

  #refuseScope(client: ProxyClient, principal: Principal, started: number): Error {
    const name = principal.user?.name ?? 'nobody';
    // No VM id in the words: a TCP client may know only a port.
    const error = forbidden(`user ${name} may not use this VM`);
    this.#audit('sign-in-failed', client, principal, started, error.body);
    this.deps.log.warn(
      { vm: client.vm, client: client.id, user: name, transport: client.transport },
      'QMP proxy client refused: its user may not see this VM',
    );
    return error;
  }

  #audit(
    kind: AuditKind,
    client: ProxyClient,
    principal: Principal | null,
    started: number,
    error: { class: string; desc: string } | null,
  ): void {
    const { audit } = this.deps;
    audit.append({
      time: audit.now(),
      kind,
      user: principal?.user?.name ?? null,
      role: principal?.user?.role ?? null,
      remote: client.remote,
      client: client.id,
      origin: 'qmp-proxy',
      vm: client.vm,
      target: null,
      command: null,
      arguments: null,
      outcome: error === null ? 'ok' : error.class,
      error: error === null ? null : error.desc,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  }
}

/** Nobody's (full access) without users; `qmpProxy.user`'s with users; null (authenticate) with users and none. */
function unixPrincipal(users: Users, configuredUser: string | undefined): Principal | null {
  if (!users.any) return NOBODY;
  const user = configuredUser === undefined ? undefined : users.byName(configuredUser);
  if (user === undefined) return null;
  return { user: sessionUserOf(user), vms: user.vms, via: 'none', sessionKey: null };
}
