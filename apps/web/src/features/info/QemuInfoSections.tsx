/** The info panel's sections read from QMP queries: machine, CPUs, memory, block devices, chardevs, VNC. */
import type { Vm } from '@qmpdeck/protocol';
import { z } from 'zod';
import { Facts, InfoSection } from './InfoSection.tsx';
import { formatBytes } from './info-format.ts';
import { BlockList, ChardevList, CpuList, MachineList, MemorySummary, VncInfo } from './query-shapes.ts';
import { useQmpQuery } from './useQmpQuery.ts';

const yesNo = (value: boolean | undefined) => (value === undefined ? '—' : value ? 'yes' : 'no');

const QomType = z.string();

export function MachineSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const machines = useQmpQuery(vm.id, 'query-machines', MachineList, enabled);
  // QOM names the machine's class `<machine type>-machine`; that finds this VM's entry among all types.
  const type = useQmpQuery(vm.id, 'qom-get', QomType, enabled, { path: '/machine', property: 'type' });
  const name = type.data?.replace(/-machine$/, '');
  const current = machines.data?.find((machine) => machine.name === name);
  return (
    <InfoSection
      title="Machine"
      state={{ isPending: machines.isPending, error: machines.error ?? type.error }}
    >
      <Facts
        rows={[
          ['QEMU', vm.qemu ? `${vm.qemu.major}.${vm.qemu.minor}.${vm.qemu.micro} (${vm.qemu.package})` : '—'],
          [
            'Machine',
            current ? `${current.name}${current.alias ? ` (${current.alias})` : ''}` : (name ?? '—'),
          ],
          ['Max CPUs', String(current?.['cpu-max'] ?? '—')],
        ]}
      />
    </InfoSection>
  );
}

export function CpuSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const cpus = useQmpQuery(vm.id, 'query-cpus-fast', CpuList, enabled);
  return (
    <InfoSection title="CPUs" state={cpus}>
      <Facts
        rows={(cpus.data ?? []).map((cpu) => [
          `CPU ${cpu['cpu-index']}`,
          `${cpu.target ?? ''} thread ${cpu['thread-id'] ?? '?'}`,
        ])}
      />
    </InfoSection>
  );
}

export function MemorySection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const memory = useQmpQuery(vm.id, 'query-memory-size-summary', MemorySummary, enabled);
  return (
    <InfoSection title="Memory" state={memory}>
      {memory.data && (
        <Facts
          rows={[
            ['Base', formatBytes(memory.data['base-memory'])],
            ['Plugged', formatBytes(memory.data['plugged-memory'] ?? 0)],
          ]}
        />
      )}
    </InfoSection>
  );
}

export function BlockSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const blocks = useQmpQuery(vm.id, 'query-block', BlockList, enabled);
  return (
    <InfoSection title="Block devices" state={blocks}>
      {blocks.data?.length === 0 && <p className="text-sm text-zinc-500">none</p>}
      <Facts
        rows={(blocks.data ?? []).map((block) => [
          block.device || block.qdev || '?',
          block.inserted
            ? `${block.inserted.file} (${block.inserted.drv}${block.inserted.ro ? ', read-only' : ''})`
            : `empty${block.removable ? `, tray ${block.tray_open ? 'open' : 'closed'}` : ''}`,
        ])}
      />
    </InfoSection>
  );
}

export function ChardevSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const chardevs = useQmpQuery(vm.id, 'query-chardev', ChardevList, enabled);
  return (
    <InfoSection title="Character devices" state={chardevs}>
      <Facts
        rows={(chardevs.data ?? []).map((chardev) => [
          chardev.label,
          `${chardev.filename}${chardev['frontend-open'] === undefined ? '' : `, open: ${yesNo(chardev['frontend-open'])}`}`,
        ])}
      />
    </InfoSection>
  );
}

export function VncSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const vnc = useQmpQuery(vm.id, 'query-vnc', VncInfo, enabled);
  return (
    <InfoSection title="VNC" state={vnc}>
      {vnc.data && (
        <Facts
          rows={[
            ['Enabled', yesNo(vnc.data.enabled)],
            ['Address', vnc.data.host ? `${vnc.data.host}:${vnc.data.service ?? '?'}` : '—'],
            ['Auth', vnc.data.auth ?? '—'],
            ['Clients', String(vnc.data.clients?.length ?? 0)],
          ]}
        />
      )}
    </InfoSection>
  );
}
