/**
 * The pipeline's authorize step: may this actor run this command on this VM? THE SEAM for roles: the next issue
 * plugs its role policy and per-VM scope in here (a `CommandPolicy` given to `startBridge`), and every path to a
 * VM (WebSocket, HTTP, start/kill, later consoles, jobs and the QMP proxy) is then governed by it, because they all
 * run through the one pipeline. Until then nothing is refused: the bridge listens on loopback only.
 */
import type { CommandRequest } from './command-request.ts';

export type PolicyDecision = { allowed: true } | { allowed: false; desc: string };

export interface CommandPolicy {
  decide(request: CommandRequest): PolicyDecision | Promise<PolicyDecision>;
}

export const allowEverything: CommandPolicy = {
  decide: () => ({ allowed: true }),
};
