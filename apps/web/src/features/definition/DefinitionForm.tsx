/**
 * The VM definition form, shared by New VM and a defined VM's Settings tab: name and id, installation media,
 * processor and memory, disks, network, devices, and (folded) machine, firmware, CPU model and extra QEMU
 * arguments. It edits a draft its page holds; the page decides what locks (a running VM) and sends.
 */
import type { ReactNode } from 'react';
import { DiskFields } from './DiskFields.tsx';
import { withName } from './definition-draft.ts';
import { FormField, FormSection, INPUT } from './FormField.tsx';
import type { FormPartProps } from './form-part.ts';
import { MediaFields } from './MediaFields.tsx';
import { NicFields } from './NicFields.tsx';

function GeneralFields({ draft, change, errors, locked, vmId }: FormPartProps) {
  const creating = vmId === null;
  return (
    <FormSection legend="Name">
      <div className="flex flex-wrap gap-3">
        <FormField
          fieldKey="name"
          label="Name"
          error={errors.fields.name}
          locked={locked('name')}
          className="min-w-56 flex-1"
        >
          {(control) => (
            <input
              {...control}
              value={draft.name}
              autoComplete="off"
              onChange={(event) => change((d) => withName(d, event.target.value))}
              className={INPUT}
            />
          )}
        </FormField>
        <FormField
          fieldKey="id"
          label="ID"
          hint={
            creating
              ? 'In addresses and file names; from the name unless you change it'
              : 'Fixed once created'
          }
          error={errors.fields.id}
          locked={creating ? null : 'The id of a VM never changes; clone it to get another'}
        >
          {(control) => (
            <input
              {...control}
              value={draft.id}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => change((d) => ({ ...d, id: event.target.value, idEdited: true }))}
              className={`${INPUT} w-56 font-mono`}
            />
          )}
        </FormField>
      </div>
      <FormField
        fieldKey="description"
        label="Description"
        error={errors.fields.description}
        locked={locked('description')}
      >
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={draft.description}
            onChange={(event) => change((d) => ({ ...d, description: event.target.value }))}
            className={INPUT}
          />
        )}
      </FormField>
    </FormSection>
  );
}

function ProcessorFields({ draft, change, errors, locked }: FormPartProps) {
  return (
    <FormSection legend="Processor and memory" locked={locked('cpus')}>
      <div className="flex flex-wrap gap-3">
        <FormField fieldKey="cpus" label="CPUs" error={errors.fields.cpus} locked={locked('cpus')}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={1}
              max={256}
              value={draft.cpus}
              onChange={(event) => change((d) => ({ ...d, cpus: event.target.value }))}
              className={`${INPUT} w-24`}
            />
          )}
        </FormField>
        <FormField
          fieldKey="memoryMiB"
          label="Memory (MiB)"
          hint="1024 MiB = 1 GiB"
          error={errors.fields.memoryMiB}
          locked={locked('memoryMiB')}
        >
          {(control) => (
            <input
              {...control}
              type="number"
              min={16}
              step={128}
              value={draft.memoryMiB}
              onChange={(event) => change((d) => ({ ...d, memoryMiB: event.target.value }))}
              className={`${INPUT} w-32`}
            />
          )}
        </FormField>
      </div>
    </FormSection>
  );
}

function Checkbox({
  fieldKey,
  label,
  hint,
  checked,
  onChange,
  part,
}: {
  fieldKey: 'serial' | 'guestAgent' | 'autostart';
  label: string;
  hint: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  part: FormPartProps;
}) {
  return (
    <FormField
      fieldKey={fieldKey}
      label={label}
      hint={hint}
      inline
      error={part.errors.fields[fieldKey]}
      locked={part.locked(fieldKey)}
    >
      {(control) => (
        <input
          {...control}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          className="h-4 w-4"
        />
      )}
    </FormField>
  );
}

function DeviceFields(part: FormPartProps) {
  const { draft, change, errors, locked } = part;
  return (
    <FormSection legend="Devices">
      <FormField fieldKey="display" label="Display" error={errors.fields.display} locked={locked('display')}>
        {(control) => (
          <select
            {...control}
            value={draft.display}
            onChange={(event) => change((d) => ({ ...d, display: event.target.value as typeof d.display }))}
            className={`${INPUT} w-64`}
          >
            <option value="vnc">Screen (VNC, on this host only)</option>
            <option value="none">None (headless)</option>
          </select>
        )}
      </FormField>
      <Checkbox
        fieldKey="serial"
        label="Serial console"
        hint="A text console the dashboard can open"
        checked={draft.serial}
        onChange={(serial) => change((d) => ({ ...d, serial }))}
        part={part}
      />
      <Checkbox
        fieldKey="guestAgent"
        label="Guest agent channel"
        hint="For the guest's hostname, addresses and clean shutdowns (qemu-guest-agent in the guest)"
        checked={draft.guestAgent}
        onChange={(guestAgent) => change((d) => ({ ...d, guestAgent }))}
        part={part}
      />
      <Checkbox
        fieldKey="autostart"
        label="Start with the bridge"
        hint="Started when the bridge starts, if not running already"
        checked={draft.autostart}
        onChange={(autostart) => change((d) => ({ ...d, autostart }))}
        part={part}
      />
    </FormSection>
  );
}

function AdvancedFields({ draft, change, errors, locked }: FormPartProps) {
  const keys = ['machine', 'firmware', 'cpuModel'] as const;
  // Open by itself when the bridge or the page has something to say about a field inside.
  const hasError =
    keys.some((key) => errors.fields[key]) ||
    Object.keys(errors.fields).some((key) => key.startsWith('extraArgs'));
  return (
    <details
      open={hasError || undefined}
      className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <summary className="cursor-pointer text-sm font-semibold">
        Advanced: machine, firmware, CPU model, extra arguments
      </summary>
      <div className="mt-3 flex flex-col gap-3">
        {locked('machine') && (
          <p className="text-xs text-amber-800 dark:text-amber-300">{locked('machine')}</p>
        )}
        <div className="flex flex-wrap gap-3">
          <FormField
            fieldKey="machine"
            label="Machine type"
            error={errors.fields.machine}
            locked={locked('machine')}
          >
            {(control) => (
              <select
                {...control}
                value={draft.machine}
                onChange={(event) =>
                  change((d) => ({ ...d, machine: event.target.value as typeof d.machine }))
                }
                className={INPUT}
              >
                <option value="q35">q35 (modern: PCIe, AHCI)</option>
                <option value="pc">pc (i440FX: older guests)</option>
              </select>
            )}
          </FormField>
          <FormField
            fieldKey="firmware"
            label="Firmware"
            error={errors.fields.firmware}
            locked={locked('firmware')}
          >
            {(control) => (
              <select
                {...control}
                value={draft.firmware}
                onChange={(event) =>
                  change((d) => ({ ...d, firmware: event.target.value as typeof d.firmware }))
                }
                className={INPUT}
              >
                <option value="bios">BIOS (SeaBIOS)</option>
                <option value="uefi">UEFI (OVMF)</option>
              </select>
            )}
          </FormField>
          <FormField
            fieldKey="cpuModel"
            label="CPU model"
            hint="max, host (KVM only) or a QEMU model name"
            error={errors.fields.cpuModel}
            locked={locked('cpuModel')}
          >
            {(control) => (
              <input
                {...control}
                value={draft.cpuModel}
                spellCheck={false}
                onChange={(event) => change((d) => ({ ...d, cpuModel: event.target.value }))}
                className={`${INPUT} w-40 font-mono`}
              />
            )}
          </FormField>
        </div>
        <FormField
          fieldKey="extraArgs"
          label="Extra QEMU arguments"
          hint="One argument per line, passed to QEMU as they are (never through a shell)"
          error={
            errors.fields.extraArgs ??
            Object.entries(errors.fields).find(([key]) => key.startsWith('extraArgs.'))?.[1]
          }
          locked={locked('extraArgs')}
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              spellCheck={false}
              value={draft.extraArgs}
              placeholder={'-device\nvirtio-rng-pci'}
              onChange={(event) => change((d) => ({ ...d, extraArgs: event.target.value }))}
              className={`${INPUT} font-mono`}
            />
          )}
        </FormField>
      </div>
    </details>
  );
}

export function DefinitionForm(part: FormPartProps) {
  return (
    <div className="flex flex-col gap-3">
      <GeneralFields {...part} />
      <MediaFields {...part} />
      <ProcessorFields {...part} />
      <DiskFields {...part} />
      <NicFields {...part} />
      <DeviceFields {...part} />
      <AdvancedFields {...part} />
    </div>
  );
}
