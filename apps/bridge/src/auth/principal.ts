/**
 * Who is asking, as every request carries it once its credential has been checked: the user (or none when the
 * bridge has no users), their VM scope, how they signed in, and the session behind a cookie (so a WebSocket of
 * that session can be closed when it ends). The pipeline reads it to authorize and scope; the hub to filter.
 */
import { type SessionInfo, type SessionUser, scopeIncludes } from '@qmpdeck/protocol';

export interface Principal {
  /** Null only when the bridge has no users (loopback only, everyone may do everything). */
  user: SessionUser | null;
  /** Globs over VM ids the user may see, or null for all. */
  vms: readonly string[] | null;
  via: SessionInfo['via'];
  /** The sha256 (hex) of the session id when signed in with the session cookie; never the id itself. */
  sessionKey: string | null;
}

/** Everyone on a bridge without users. */
export const NOBODY: Principal = Object.freeze({ user: null, vms: null, via: 'none', sessionKey: null });

/** The one per-VM scope predicate: the pipeline's VM resolution, the HTTP lists and the hub's fan-out use it. */
export function principalSees(principal: Principal, vm: string): boolean {
  return principal.vms === null || scopeIncludes(principal.vms, vm);
}
