/**
 * The signed-in session: who this browser is to the bridge (`GET /api/session`), signing in with name and
 * password (`POST`, which sets the HttpOnly session cookie: the page never sees the session id) and signing out
 * (`DELETE`, which ends the session on the server). A 401 is not an error here but an answer: nobody is signed in.
 */
import { ErrorResponse, SessionInfo } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';
import { RequestError } from './request-error.ts';

export type SessionState = { signedIn: true; info: SessionInfo } | { signedIn: false };

export const SIGNED_OUT: SessionState = { signedIn: false };

export function signedInAs(info: SessionInfo): SessionState {
  return { signedIn: true, info };
}

/** What a bridge without users says of everyone: no sign-in, every command allowed. */
export const NO_USERS: SessionInfo = {
  auth: false,
  user: null,
  policy: { allow: ['*'], deny: [] },
  vms: null,
  via: 'none',
};

export async function fetchSession(): Promise<SessionState> {
  try {
    return signedInAs(await fetchJson('/api/session', SessionInfo));
  } catch (error) {
    if (error instanceof RequestError && error.status === 401) return SIGNED_OUT;
    // A bridge from before users existed has no session route, and no users: everyone may do everything.
    if (error instanceof RequestError && error.status === 404 && error.class === 'NotFound') {
      return signedInAs(NO_USERS);
    }
    throw error;
  }
}

export type SignInOutcome =
  | { ok: true; info: SessionInfo }
  /** Wrong name or password (the bridge does not say which). */
  | { ok: false; reason: 'rejected'; desc: string }
  /** Too many failures from here or for this name: try again after `retryAfterSeconds`. */
  | { ok: false; reason: 'throttled'; desc: string; retryAfterSeconds: number | null };

/** `Retry-After` as seconds: a number of seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its day and month; anything else (`-5`, which Date.parse would read as a year) is not one.
  if (!/[a-z]{3}/i.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

async function errorOf(response: Response): Promise<RequestError> {
  const parsed = ErrorResponse.safeParse(await response.json().catch(() => undefined));
  return new RequestError(
    parsed.success ? parsed.data.error : { class: 'BadResponse', desc: `HTTP ${response.status}` },
    response.status,
  );
}

/**
 * Signs in. The password goes into the request body and nowhere else: it is not kept, logged or returned.
 * Failures other than a refusal (bridge away, bad answer) are thrown as RequestError.
 */
export async function signIn(name: string, password: string): Promise<SignInOutcome> {
  let response: Response;
  try {
    response = await fetch('/api/session', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
  } catch (error) {
    throw new RequestError({
      class: 'BridgeUnreachable',
      desc: `The bridge did not answer: ${String(error)}`,
    });
  }
  if (response.status === 429) {
    const error = await errorOf(response);
    return {
      ok: false,
      reason: 'throttled',
      desc: error.desc,
      retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
    };
  }
  if (response.status === 401) return { ok: false, reason: 'rejected', desc: (await errorOf(response)).desc };
  if (!response.ok) throw await errorOf(response);
  const parsed = SessionInfo.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new RequestError({ class: 'BadResponse', desc: 'Unexpected answer to the sign-in' });
  }
  return { ok: true, info: parsed.data };
}

/** Ends the session on the server. A 401 means it had ended already, which is what was asked. */
export async function signOut(): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/api/session', { method: 'DELETE', headers: { accept: 'application/json' } });
  } catch (error) {
    throw new RequestError({
      class: 'BridgeUnreachable',
      desc: `The bridge did not answer: ${String(error)}`,
    });
  }
  if (response.ok || response.status === 401) return;
  throw await errorOf(response);
}
