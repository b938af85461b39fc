/**
 * The VM's QMP endpoint on the bridge (`vm.qmpProxy`): where qmp-shell, QEMU's Python tools, socat and scripts
 * connect beside the dashboard, with the command lines to copy. Their commands pass the bridge's policy and show
 * in the timeline as the cause of what they do.
 */
import type { QmpProxyEndpoint } from '@qmpdeck/protocol';
import { useSession } from '../session/useSession.ts';
import { CopyLine } from './CopyLine.tsx';
import { endpointCommands, tokenPath } from './command-lines.ts';

export function QmpEndpointPanel({ endpoint }: { endpoint: QmpProxyEndpoint | null | undefined }) {
  const { data: session } = useSession();
  // With users, people present their own API token; without, TCP clients read the bridge's token file.
  const users = session?.signedIn === true && session.info.auth;
  if (endpoint === undefined) return null;
  return (
    <section
      aria-label="QMP endpoint"
      className="flex min-w-0 flex-col gap-1.5 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <h2 className="text-sm font-semibold">QMP endpoint</h2>
      {endpoint === null ? (
        <p className="text-sm text-zinc-500">
          The bridge serves no QMP endpoint for this VM (turned off in its config, or its socket could not be
          made: the bridge's log says why).
        </p>
      ) : (
        <>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            For qmp-shell, QEMU's Python tools and scripts, beside the dashboard. QEMU's own protocol; every
            command passes the bridge and shows in the timeline.
          </p>
          {endpointCommands(endpoint).map((command) => (
            <CopyLine key={command.label} label={command.label} line={command.line} />
          ))}
          {users ? (
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              First run <code className="font-mono">__org.qmpdeck_authenticate token=…</code> with your API
              token to act as yourself: over TCP always, on the socket when the bridge's config names no user
              for it (<code className="font-mono">qmpProxy.user</code>).
            </p>
          ) : (
            endpoint.tcp && (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                Over TCP, first run <code className="font-mono">__org.qmpdeck_authenticate token=…</code> with
                the content of <code className="font-mono break-all">{tokenPath(endpoint)}</code>.
              </p>
            )
          )}
        </>
      )}
    </section>
  );
}
