/** Placeholder until this tab is built. */
import type { Vm } from '@qmpdeck/protocol';

export default function CommandsTab({ vm }: { vm: Vm }) {
  return <p className="p-4 text-sm text-zinc-500">Coming soon for {vm.name}.</p>;
}
