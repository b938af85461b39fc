/**
 * The Hardware tab: what the VM is made of, live. Drives with their media and trays, NICs with their link as the
 * bridge last set it, the PCI devices, USB, memory and CPUs; media inserted, changed and ejected, disks and NICs
 * added and unplugged, links set from here (images only from the storage locations). Read from `GET /api/vms/:id/hardware`, asked again on the events that change it
 * (features/hardware/hardware-refresh.ts) and after each action.
 */
import type { ErrorBody, Hardware, HardwareDisk, HardwareNic, Vm } from '@qmpdeck/protocol';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { fetchHardware } from '../../api/hardware.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { useLiveState } from '../../live/useLiveState.ts';
import { Facts } from '../info/InfoSection.tsx';
import { formatBytes } from '../info/info-format.ts';
import { AddDiskForm } from './actions/AddDiskForm.tsx';
import { AddNicForm } from './actions/AddNicForm.tsx';
import { EjectButton } from './actions/EjectButton.tsx';
import { LinkButtons } from './actions/LinkButtons.tsx';
import { MediaForm } from './actions/MediaForm.tsx';
import { UnplugButton } from './actions/UnplugButton.tsx';

export default function HardwareTab({ vm }: { vm: Vm }) {
  const connected = vm.connection === 'connected';
  const hardware = useQuery<Hardware, RequestError>({
    queryKey: queryKeys.hardware(vm.id),
    queryFn: () => fetchHardware(vm.id),
    enabled: connected,
    staleTime: Number.POSITIVE_INFINITY,
  });
  // Actions go over the socket (or to the bridge): without it they would fail.
  const disabled = useLiveState().status !== 'open';
  if (!connected)
    return (
      <p className="p-4 text-sm text-zinc-500">QEMU is not connected; its hardware shows again when it is.</p>
    );
  if (hardware.error)
    return (
      <p role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
        {hardware.error.class}: {hardware.error.desc}
      </p>
    );
  if (!hardware.data) return <p className="p-4 text-sm text-zinc-500">Loading…</p>;
  const { data } = hardware;
  const failed = (section: string) => data.errors[section];
  return (
    <div className="grid min-h-0 flex-1 auto-rows-min gap-3 overflow-auto p-3 xl:grid-cols-2">
      <Section title="Drives" error={failed('disks')} wide>
        <DriveTable vmId={vm.id} disks={data.disks} disabled={disabled} />
        <AddDiskForm vmId={vm.id} hotplug={data.hotplug} disabled={disabled} />
        {failed('nodes') && (
          <p className="text-xs text-zinc-500">Protocol nodes not shown: {failed('nodes')?.desc}</p>
        )}
      </Section>
      <Section title="Network interfaces" error={failed('nics') ?? failed('devices')} wide>
        <NicTable vmId={vm.id} nics={data.nics} disabled={disabled} />
        <AddNicForm vmId={vm.id} hotplug={data.hotplug} disabled={disabled} />
        <p className="text-xs text-zinc-500">
          QEMU cannot report a link's state: it shows as the bridge last set it, “unknown” before that.
        </p>
      </Section>
      <Section title="Memory" error={failed('memory')}>
        {data.memory && (
          <Facts
            rows={[
              ['Base', formatBytes(data.memory.base)],
              ['Plugged', formatBytes(data.memory.plugged)],
              ['Balloon', data.memory.balloon === null ? 'no balloon' : formatBytes(data.memory.balloon)],
              ...data.memory.devices.map((device, i): [string, string] => [
                device.id ?? `${device.type} ${i}`,
                `${device.type}${device.size === null ? '' : `, ${formatBytes(device.size)}`}`,
              ]),
            ]}
          />
        )}
      </Section>
      <Section title="CPUs" error={failed('cpus')}>
        {data.cpus && (
          <Facts
            rows={[
              ['Present', String(data.cpus.present.length)],
              ['Slots', String(data.cpus.slots ?? '—')],
              [
                'Topology',
                data.cpus.topology
                  ? `${data.cpus.topology.sockets} socket(s) × ${data.cpus.topology.cores} core(s) × ${data.cpus.topology.threads} thread(s)`
                  : '—',
              ],
              ...data.cpus.present.map((cpu): [string, string] => [
                `CPU ${cpu.index}`,
                `host thread ${cpu.threadId ?? '?'}`,
              ]),
            ]}
          />
        )}
      </Section>
      <Section title="PCI devices" error={failed('pci')}>
        <table className="w-full text-left text-xs">
          <thead className="text-zinc-500 dark:text-zinc-400">
            <tr>
              <th className="font-normal">Address</th>
              <th className="font-normal">Class</th>
              <th className="font-normal">Vendor:device</th>
              <th className="font-normal">Id</th>
            </tr>
          </thead>
          <tbody className="font-mono">
            {data.pci.map((device) => (
              <tr key={`${device.bus}:${device.slot}.${device.function}`}>
                <td>{`${hex(device.bus, 2)}:${hex(device.slot, 2)}.${device.function}`}</td>
                <td className="font-sans">{device.class}</td>
                <td>{`${hex(device.vendor, 4)}:${hex(device.device, 4)}`}</td>
                <td>{device.qdev ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="USB and hot-plug" error={failed('machine')}>
        <Facts
          rows={[
            ...data.usb.map((device): [string, string] => [device.id, device.model]),
            ['Machine', data.hotplug.machine ?? '—'],
            [
              'Hot-plug',
              data.hotplug.possible ? `yes${data.hotplug.bus ? ` (on ${data.hotplug.bus})` : ''}` : 'no',
            ],
          ]}
        />
        {data.hotplug.note && <p className="text-xs text-zinc-500">{data.hotplug.note}</p>}
      </Section>
    </div>
  );
}

function Section({
  title,
  error,
  wide = false,
  children,
}: {
  title: string;
  error: ErrorBody | undefined;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={title}
      className={`flex min-w-0 flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800 ${wide ? 'xl:col-span-2' : ''}`}
    >
      <h2 className="text-sm font-semibold">{title}</h2>
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error.class}: {error.desc}
        </p>
      ) : (
        children
      )}
    </section>
  );
}

function DriveTable({ vmId, disks, disabled }: { vmId: string; disks: HardwareDisk[]; disabled: boolean }) {
  if (disks.length === 0) return <p className="text-sm text-zinc-500">none</p>;
  return (
    <ul className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800">
      {disks.map((disk) => (
        <li
          key={disk.drive}
          className="flex flex-col gap-1 py-2 text-sm md:flex-row md:items-start md:gap-3"
          data-testid="hw-drive"
        >
          <div className="w-40 shrink-0">
            <p className="font-mono font-medium">{disk.drive}</p>
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              {disk.kind}
              {disk.model ? ` · ${disk.model}` : ''}
            </p>
          </div>
          <div className="min-w-0 flex-1">
            {disk.medium ? (
              <>
                <p className="break-all font-mono text-xs" data-testid="hw-medium">
                  {disk.medium.file}
                </p>
                <p className="text-xs text-zinc-600 dark:text-zinc-400">
                  {[
                    disk.medium.format,
                    disk.medium.protocol,
                    disk.medium.virtualSize === null
                      ? null
                      : `${formatBytes(disk.medium.virtualSize)} virtual`,
                    disk.medium.actualSize === null ? null : `${formatBytes(disk.medium.actualSize)} on disk`,
                    disk.medium.readOnly ? 'read-only' : 'read-write',
                    cacheWords(disk.medium.cache),
                    disk.medium.nodeName ? `node ${disk.medium.nodeName}` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </p>
              </>
            ) : (
              <p className="text-xs text-zinc-500" data-testid="hw-medium">
                no medium
              </p>
            )}
            {disk.removable && (
              <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="hw-tray">
                tray {disk.trayOpen ? 'open' : 'closed'}
                {disk.locked ? ' (locked by the guest)' : ''}
              </p>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-1.5">
            {/* A backend without a device is "removable" to QEMU, but only a CD-ROM or floppy takes media. */}
            {disk.removable && disk.qdev !== null && (
              <MediaForm vmId={vmId} disk={disk} disabled={disabled} />
            )}
            {disk.removable && <EjectButton vmId={vmId} disk={disk} disabled={disabled} />}
            {disk.unpluggable && disk.qdev && (
              <UnplugButton vmId={vmId} kind="disks" device={disk.qdev} disabled={disabled} />
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function NicTable({ vmId, nics, disabled }: { vmId: string; nics: HardwareNic[]; disabled: boolean }) {
  if (nics.length === 0) return <p className="text-sm text-zinc-500">none</p>;
  return (
    <ul className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800">
      {nics.map((nic) => (
        <li
          key={nic.id}
          className="flex flex-col gap-1 py-2 text-sm md:flex-row md:items-center md:gap-3"
          data-testid="hw-nic"
        >
          <div className="w-40 shrink-0">
            <p className="break-all font-mono font-medium">{nic.id}</p>
            <p className="text-xs text-zinc-500 dark:text-zinc-400">{nic.model}</p>
          </div>
          <div className="min-w-0 flex-1 text-xs text-zinc-600 dark:text-zinc-400">
            <p className="font-mono">
              {nic.mac ?? 'no MAC'}
              {nic.netdev ? ` · netdev ${nic.netdev}` : ''}
            </p>
            {nic.rxFilter && (
              <p>
                {nic.rxFilter.promiscuous ? 'promiscuous' : 'filtered'} · unicast {nic.rxFilter.unicast} ·
                multicast {nic.rxFilter.multicast}
              </p>
            )}
          </div>
          <p className="w-28 text-xs" data-testid="hw-link">
            link <LinkWord link={nic.link} />
          </p>
          <div className="flex flex-wrap items-center gap-1.5">
            <LinkButtons vmId={vmId} nic={nic} disabled={disabled} />
            {nic.unpluggable && <UnplugButton vmId={vmId} kind="nics" device={nic.id} disabled={disabled} />}
          </div>
        </li>
      ))}
    </ul>
  );
}

function LinkWord({ link }: { link: HardwareNic['link'] }) {
  const colour =
    link === 'up'
      ? 'text-emerald-700 dark:text-emerald-400'
      : link === 'down'
        ? 'text-red-700 dark:text-red-400'
        : 'text-zinc-500';
  return <span className={`font-medium ${colour}`}>{link}</span>;
}

function cacheWords(cache: { writeback: boolean; direct: boolean; noFlush: boolean }): string {
  if (cache.noFlush) return 'cache unsafe';
  if (cache.direct) return cache.writeback ? 'cache none' : 'cache directsync';
  return cache.writeback ? 'cache writeback' : 'cache writethrough';
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
