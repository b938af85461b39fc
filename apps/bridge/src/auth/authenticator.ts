/**
 * Who is asking: turns a request's credential into a `Principal`, or the error to answer. One place for every
 * credential, tried in this order:
 *
 *   1. the reverse proxy's user header, believed only when the request's peer is a trusted proxy (an unknown
 *      name is 403: the proxy signed someone in whom this bridge does not know);
 *   2. `Authorization: Bearer <token>` (API clients, on HTTP and on the WebSocket upgrade; a QMP proxy client
 *      presents the same token in a command, `authenticateToken`);
 *   3. the session cookie (people, after signing in).
 *
 * Without users nobody needs a credential (the bridge then serves loopback only). Failures are counted by the
 * `FailureLimiter`; the tokens, passwords and session ids themselves are never logged or put in an answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { forbidden, tooManyRequests, unauthorized } from '../bridge-error.ts';
import type { Logger } from '../log.ts';
import type { AddressSet } from '../security/address.ts';
import type { FailureKeys, FailureLimiter, Verdict } from './failure-limiter.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password-hash.ts';
import { NOBODY, type Principal } from './principal.ts';
import type { SessionStore } from './session-store.ts';
import { sessionUserOf, type User, type Users } from './users.ts';

/** What of a request the credentials are read from (fastify's request, reduced to what matters). */
export interface CredentialRequest {
  authorization: string | undefined;
  /** The session cookie's value. */
  sessionId: string | undefined;
  /** The proxy's user header, when the config names one. */
  proxyUser: string | undefined;
  /** The address of the socket's peer (a proxy, when there is one). */
  peer: string | undefined;
  /** The client's address (`request.ip`: the peer, or X-Forwarded-For's client when `trustProxy` says so). */
  client: string | null;
}

export interface AuthProxy {
  header: string;
  trusted: AddressSet;
}

export interface AuthenticatorDeps {
  users: Users;
  sessions: SessionStore;
  limiter: FailureLimiter;
  proxy: AuthProxy | null;
  log: Logger;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export class Authenticator {
  constructor(readonly deps: AuthenticatorDeps) {}

  get enabled(): boolean {
    return this.deps.users.any;
  }

  /** A configured user by name (sign-out records the role of whoever signs out). */
  user(name: string): User | undefined {
    return this.deps.users.byName(name);
  }

  /** The principal of a request, or throws the 401 / 403 / 429 to answer. */
  async authenticate(request: CredentialRequest): Promise<Principal> {
    if (!this.enabled) return NOBODY;
    const proxied = this.#fromProxy(request);
    if (proxied !== null) return proxied;
    if (request.authorization !== undefined) return this.#fromToken(request.authorization, request.client);
    if (request.sessionId !== undefined) return this.#fromSession(request.sessionId, request.client);
    throw unauthorized('sign in, or send "Authorization: Bearer <token>"');
  }

  /** Name and password -> the user, or throws 401 (wrong name or password, alike) or 429. */
  async signIn(name: string, password: string, client: string | null): Promise<User> {
    const keys: FailureKeys = { address: client, name };
    const verdict = this.#admit(keys);
    // Counted before the (slow, asynchronous) check, so attempts sent in parallel see each other's count; a
    // success clears it below.
    this.deps.limiter.fail(keys);
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    const user = this.deps.users.byName(name);
    // An unknown name costs a real scrypt too, so the time taken does not say whether the name exists.
    const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!matches || user?.passwordHash == null) {
      this.deps.log.warn({ remote: client, via: 'password' }, 'sign-in refused');
      throw unauthorized('wrong name or password');
    }
    this.deps.limiter.clear(keys);
    return user;
  }

  #fromProxy(request: CredentialRequest): Principal | null {
    const { proxy } = this.deps;
    if (proxy === null || request.proxyUser === undefined || request.proxyUser === '') return null;
    if (!proxy.trusted.has(request.peer)) {
      // Anyone can send the header; only the proxy's word counts. Not an error: other credentials may follow.
      this.deps.log.debug({ remote: request.peer }, 'user header from an untrusted address ignored');
      return null;
    }
    const user = this.deps.users.byName(request.proxyUser);
    if (user === undefined) {
      this.deps.log.warn({ remote: request.peer }, 'the proxy named a user this bridge does not have');
      throw forbidden('the user the proxy signed in is not a user of this bridge');
    }
    return { user: sessionUserOf(user), vms: user.vms, via: 'proxy', sessionKey: null };
  }

  /**
   * An API token presented outside HTTP (a QMP proxy client's): the same check, failure count and delay as a
   * bearer token, or throws the 401 / 429 to answer.
   */
  async authenticateToken(token: string, client: string | null): Promise<Principal> {
    if (!this.enabled) throw unauthorized('this bridge has no users, so it has no API tokens');
    return this.#checkToken(token, client);
  }

  #fromToken(authorization: string, client: string | null): Promise<Principal> {
    return this.#checkToken(BEARER.exec(authorization)?.[1], client);
  }

  async #checkToken(token: string | undefined, client: string | null): Promise<Principal> {
    const keys: FailureKeys = { address: client };
    const verdict = this.#admit(keys);
    const user = token === undefined ? undefined : this.deps.users.byToken(token);
    if (user === undefined) {
      await this.#failed(keys, verdict, 'token');
      throw unauthorized(
        token === undefined ? 'expected "Authorization: Bearer <token>"' : 'the token is not valid',
      );
    }
    return { user: sessionUserOf(user), vms: user.vms, via: 'token', sessionKey: null };
  }

  async #fromSession(sessionId: string, client: string | null): Promise<Principal> {
    const keys: FailureKeys = { address: client };
    const verdict = this.#admit(keys);
    const found = this.deps.sessions.lookup(sessionId);
    // An ended session's cookie is a person's old cookie, not a guess: told to sign in again, not counted.
    if (found.state === 'expired') throw unauthorized('the session has ended; sign in again');
    if (found.state === 'unknown') {
      await this.#failed(keys, verdict, 'session');
      throw unauthorized('the session is not valid; sign in again');
    }
    const user = this.deps.users.byName(found.session.user);
    if (user === undefined) throw unauthorized('the session belongs to a user this bridge no longer has');
    return { user: sessionUserOf(user), vms: user.vms, via: 'session', sessionKey: found.session.key };
  }

  /** Refuses (429) without looking at the credential once there were too many failures. */
  #admit(keys: FailureKeys): Verdict & { refused: false } {
    const verdict = this.deps.limiter.check(keys);
    if (verdict.refused) throw tooManyRequests(verdict.retryAfterS);
    return verdict;
  }

  async #failed(keys: FailureKeys, verdict: { delayMs: number }, via: string): Promise<void> {
    this.deps.limiter.fail(keys);
    this.deps.log.warn({ remote: keys.address, via }, 'credential refused');
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
  }
}
