/**
 * The command pipeline's authorize step with roles: a command runs only when the caller's role rule allows its
 * name (deny wins). On a bridge without users nobody is signed in and everything is allowed (it serves loopback
 * only). The per-VM scope is not decided here but earlier, in the pipeline's VM resolution, so a VM out of scope
 * is "not found" rather than "forbidden" and its existence is not revealed.
 */
import { policyAllows, type Role, type RolePolicy } from '@qmpdeck/protocol';
import type { CommandPolicy, PolicyDecision } from '../commands/command-policy.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { Principal } from './principal.ts';
import { OPEN_POLICY } from './role-policy.ts';

const ALLOWED: PolicyDecision = { allowed: true };

export class RoleCommandPolicy implements CommandPolicy {
  constructor(readonly rules: Readonly<Record<Role, RolePolicy>>) {}

  decide({ principal, command }: CommandRequest): PolicyDecision {
    const { user } = principal;
    if (user === null) return ALLOWED;
    if (policyAllows(this.rules[user.role], command)) return ALLOWED;
    return { allowed: false, desc: `role ${user.role} may not run ${command}` };
  }

  /** The rule that applies to this caller, as `GET /api/session` tells the web app. */
  ruleFor(principal: Principal): RolePolicy {
    return principal.user === null ? OPEN_POLICY : this.rules[principal.user.role];
  }
}
