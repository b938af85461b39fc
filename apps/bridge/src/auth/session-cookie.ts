/**
 * The session cookie: `qmpdeck_session`, HttpOnly (page scripts cannot read it), SameSite=Strict (other sites'
 * pages cannot send it), Secure when the bridge serves TLS, for the whole site (`Path=/`), kept by the browser
 * until the session's absolute expiry (the server ends it earlier when idle).
 */
import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'qmpdeck_session';

export function sessionCookieOptions(secure: boolean, maxAgeMs: number): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  };
}

/** The same attributes, so the browser matches and drops the cookie. */
export function clearedCookieOptions(secure: boolean): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure };
}
