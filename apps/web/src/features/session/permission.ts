/**
 * Whether the signed-in person may run a command, and if not, why, in words a tooltip and a screen reader can
 * say. It reads the same rule (`policyAllows`: allow globs, deny wins) the bridge enforces, only to disable what
 * the bridge would refuse anyway: the bridge stays the one that decides.
 */
import { policyAllows, type SessionInfo } from '@qmpdeck/protocol';

export interface Permission {
  allowed: boolean;
  /** Why not, when not allowed; null when allowed. */
  reason: string | null;
}

const ALLOWED: Permission = { allowed: true, reason: null };

/** While the session is not known yet nothing is offered: enabling first and disabling later would flicker. */
export const UNKNOWN_SESSION_REASON = 'Checking what you may do…';

export function permissionFor(session: SessionInfo | undefined, command: string): Permission {
  if (!session) return { allowed: false, reason: UNKNOWN_SESSION_REASON };
  if (policyAllows(session.policy, command)) return ALLOWED;
  const who = session.user ? `Your role (${session.user.role})` : 'This bridge';
  return { allowed: false, reason: `${who} may not run ${command}` };
}
