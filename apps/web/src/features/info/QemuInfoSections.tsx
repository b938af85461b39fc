/**
 * The info panel's sections read from QMP queries: machine, CPUs, memory, block devices, chardevs, VNC. Each
 * answer is typed by the generated QMP types (`ReturnOf<'query-block'>`, ...), QEMU's own schema.
 */
import type { Vm } from '@qmpdeck/protocol';
import { Facts, InfoSection, queryState } from './InfoSection.tsx';
import { formatBytes } from './info-format.ts';
import { useQmpQuery } from './useQmpQuery.ts';

const yesNo = (value: boolean | undefined) => (value === undefined ? '—' : value ? 'yes' : 'no');

export function MachineSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const machines = useQmpQuery(vm.id, 'query-machines', enabled);
  // QOM names the machine's class `<machine type>-machine`; that finds this VM's entry among all types.
  const type = useQmpQuery(vm.id, 'qom-get', enabled, { path: '/machine', property: 'type' });
  // `qom-get` returns any property's value, so the schema types it as anything.
  const name = typeof type.data === 'string' ? type.data.replace(/-machine$/, '') : undefined;
  // Without `qom-get` the section still lists what it can; only the machine's own type is left out.
  const unnamed = type.denied ? `— (${type.denied})` : '—';
  const current = machines.data?.find((machine) => machine.name === name);
  return (
    <InfoSection
      title="Machine"
      state={{
        denied: machines.denied,
        isPending: machines.isPending,
        error: machines.error ?? type.error,
        isFetching: machines.isFetching || type.isFetching,
        retry: () => {
          void machines.refetch();
          void type.refetch();
        },
      }}
    >
      <Facts
        rows={[
          ['QEMU', vm.qemu ? `${vm.qemu.major}.${vm.qemu.minor}.${vm.qemu.micro} (${vm.qemu.package})` : '—'],
          [
            'Machine',
            current ? `${current.name}${current.alias ? ` (${current.alias})` : ''}` : (name ?? unnamed),
          ],
          ['Max CPUs', String(current?.['cpu-max'] ?? '—')],
        ]}
      />
    </InfoSection>
  );
}

export function CpuSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const cpus = useQmpQuery(vm.id, 'query-cpus-fast', enabled);
  return (
    <InfoSection title="CPUs" state={queryState(cpus)}>
      <Facts
        rows={(cpus.data ?? []).map((cpu) => [
          `CPU ${cpu['cpu-index']}`,
          `${cpu.target} thread ${cpu['thread-id'] ?? '?'}`,
        ])}
      />
    </InfoSection>
  );
}

export function MemorySection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const memory = useQmpQuery(vm.id, 'query-memory-size-summary', enabled);
  return (
    <InfoSection title="Memory" state={queryState(memory)}>
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
  const blocks = useQmpQuery(vm.id, 'query-block', enabled);
  return (
    <InfoSection title="Block devices" state={queryState(blocks)}>
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
  const chardevs = useQmpQuery(vm.id, 'query-chardev', enabled);
  return (
    <InfoSection title="Character devices" state={queryState(chardevs)}>
      <Facts
        rows={(chardevs.data ?? []).map((chardev) => [
          chardev.label,
          `${chardev.filename}, open: ${yesNo(chardev['frontend-open'])}`,
        ])}
      />
    </InfoSection>
  );
}

export function VncSection({ vm, enabled }: { vm: Vm; enabled: boolean }) {
  const vnc = useQmpQuery(vm.id, 'query-vnc', enabled);
  return (
    <InfoSection title="VNC" state={queryState(vnc)}>
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
