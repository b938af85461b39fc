/**
 * What the guest says about itself through the QEMU Guest Agent (`vm.guest`), live with the VM object. While the
 * agent is silent (a paused VM cannot answer) the bridge keeps the last values (`stale`): shown, marked last known.
 */
import type { GuestInfo } from '@qmpdeck/protocol';
import { agentState, STALE_NOTE } from './GuestSummary.tsx';

function osLine(os: GuestInfo['os']): string | null {
  if (!os) return null;
  const name = os['pretty-name'] ?? os.name ?? os.id;
  const kernel = os['kernel-release'];
  return [name, kernel ? `kernel ${String(kernel)}` : null].filter(Boolean).join(' · ') || null;
}

export function GuestPanel({ guest }: { guest: GuestInfo | null | undefined }) {
  const byInterface = new Map<string, NonNullable<GuestInfo['addresses']>>();
  for (const address of guest?.addresses ?? []) {
    byInterface.set(address.interface, [...(byInterface.get(address.interface) ?? []), address]);
  }
  return (
    <section
      aria-label="Guest"
      data-testid="guest-panel"
      className="flex min-w-0 flex-col gap-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <h2 className="text-sm font-semibold">Guest</h2>
      {guest?.stale && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="guest-stale">
          Last known values: {STALE_NOTE.charAt(0).toLowerCase() + STALE_NOTE.slice(1)}
        </p>
      )}
      {!guest ? (
        <p className="text-sm text-zinc-500">No guest agent configured for this VM.</p>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
          <dt className="text-zinc-500 dark:text-zinc-400">Agent</dt>
          <dd
            className={
              guest.agent === 'connected' ? 'text-emerald-700 dark:text-emerald-400' : 'text-zinc-500'
            }
          >
            {agentState(guest.agent)}
          </dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Hostname</dt>
          <dd className="font-mono text-xs leading-5" data-testid="guest-hostname">
            {guest.hostname ?? '—'}
          </dd>
          <dt className="text-zinc-500 dark:text-zinc-400">OS</dt>
          <dd className="text-xs leading-5">{osLine(guest.os) ?? '—'}</dd>
          {[...byInterface.entries()].map(([name, addresses]) => (
            <div key={name} className="contents">
              <dt className="text-zinc-500 dark:text-zinc-400">{name}</dt>
              <dd className="font-mono text-xs leading-5">
                {addresses.map((address) => (
                  <span key={address.address} className="block">
                    {address.address}/{address.prefix}
                  </span>
                ))}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
