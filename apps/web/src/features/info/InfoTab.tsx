/**
 * The Info tab: what QEMU reports about the VM (queried, refreshed on the
 * events that change it) and what the guest reports. (Commands in flight are in
 * the header, on every tab.)
 */
import type { Vm } from '@qmpdeck/protocol';
import { GuestPanel } from '../guest/GuestPanel.tsx';
import { QmpEndpointPanel } from '../qmp-proxy/QmpEndpointPanel.tsx';
import { Facts } from './InfoSection.tsx';
import {
  BlockSection,
  ChardevSection,
  CpuSection,
  MachineSection,
  MemorySection,
  VncSection,
} from './QemuInfoSections.tsx';

export default function InfoTab({ vm }: { vm: Vm }) {
  const enabled = vm.connection === 'connected';
  return (
    <div className="grid min-h-0 flex-1 auto-rows-min gap-3 overflow-auto p-3 md:grid-cols-2 2xl:grid-cols-3">
      <GuestPanel guest={vm.guest} />
      <QmpEndpointPanel endpoint={vm.qmpProxy} />
      {!enabled && (
        <p className="text-sm text-zinc-500 md:col-span-2">
          QEMU is not connected; its details show again when it is.
        </p>
      )}
      {vm.managed && vm.process && (
        <section
          aria-label="QEMU process"
          className="flex min-w-0 flex-col gap-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
        >
          <h2 className="text-sm font-semibold">QEMU process</h2>
          <Facts
            rows={[
              ['State', vm.process.state],
              ['PID', String(vm.process.pid ?? '—')],
              [
                'Exit',
                vm.process.signal ? `signal ${vm.process.signal}` : String(vm.process.exitCode ?? '—'),
              ],
            ]}
          />
        </section>
      )}
      <MachineSection vm={vm} enabled={enabled} />
      <CpuSection vm={vm} enabled={enabled} />
      <MemorySection vm={vm} enabled={enabled} />
      <BlockSection vm={vm} enabled={enabled} />
      <ChardevSection vm={vm} enabled={enabled} />
      <VncSection vm={vm} enabled={enabled} />
    </div>
  );
}
