/**
 * What the guest says about itself, in one line: hostname and first IPv4
 * address. While the agent is silent (the VM is paused, the guest rebooting)
 * the bridge keeps the last values it gave (`stale`): they stay, marked as last known.
 */
import type { GuestInfo } from '@qmpdeck/protocol';
import { firstIpv4 } from '../overview/overview-model.ts';

export const STALE_NOTE =
  'The guest agent is not answering now (the VM may be paused or rebooting); these are the last values it gave.';

/** The agent's state in plain words, the protocol's word beside a problem. */
export function agentState(agent: GuestInfo['agent']): string {
  return agent === 'connected' ? 'connected' : 'not answering (unavailable)';
}

export function GuestSummary({ guest }: { guest: GuestInfo | null | undefined }) {
  if (!guest) return null;
  const ipv4 = firstIpv4({ guest });
  if (!guest.hostname && !ipv4) return <span className="text-zinc-400">agent {agentState(guest.agent)}</span>;
  return (
    <span title={guest.stale ? STALE_NOTE : undefined} className={guest.stale ? 'italic' : undefined}>
      {guest.hostname && <span className="font-medium">{guest.hostname}</span>}
      {ipv4 && <span className="font-mono"> {ipv4}</span>}
      {guest.stale && <span className="text-zinc-500 not-italic dark:text-zinc-400"> · last known</span>}
    </span>
  );
}
