/**
 * Network interfaces: QEMU's user networking (NAT, no setup, port forwards from the host) by default, or an
 * existing Linux bridge or tap interface for a home lab. The MAC is the bridge's to choose and keep.
 */
import { Button } from '../../ui/Button.tsx';
import { type ForwardDraft, type NicDraft, newForwardDraft, newNicDraft } from './definition-draft.ts';
import { FormField, FormSection, INPUT } from './FormField.tsx';
import type { FormPartProps } from './form-part.ts';
import { removeAt, replaceAt } from './list-update.ts';

const TYPES: { value: NicDraft['type']; label: string }[] = [
  { value: 'user', label: 'User networking (NAT)' },
  { value: 'bridge', label: 'Linux bridge' },
  { value: 'tap', label: 'Existing tap interface' },
];

function Forwards({
  nicKey,
  forwards,
  set,
  errors,
  lock,
}: {
  nicKey: string;
  forwards: ForwardDraft[];
  set(forwards: ForwardDraft[]): void;
  errors: FormPartProps['errors'];
  lock: string | null;
}) {
  return (
    <div className="flex flex-col gap-2">
      <span className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        Port forwards (host → guest)
      </span>
      {forwards.map((forward, index) => {
        const key = `${nicKey}.forwards.${index}`;
        const setForward = (change: Partial<ForwardDraft>) => set(replaceAt(forwards, index, change));
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: forwards have no identity but their place
          <div key={index} className="flex flex-wrap items-end gap-2">
            <FormField
              fieldKey={`${key}.protocol`}
              label="Protocol"
              locked={lock}
              error={errors.fields[`${key}.protocol`]}
            >
              {(control) => (
                <select
                  {...control}
                  value={forward.protocol}
                  onChange={(event) =>
                    setForward({ protocol: event.target.value as ForwardDraft['protocol'] })
                  }
                  className={INPUT}
                >
                  <option value="tcp">TCP</option>
                  <option value="udp">UDP</option>
                </select>
              )}
            </FormField>
            <FormField
              fieldKey={`${key}.host`}
              label="Host address"
              locked={lock}
              error={errors.fields[`${key}.host`]}
            >
              {(control) => (
                <input
                  {...control}
                  value={forward.host}
                  placeholder="127.0.0.1"
                  onChange={(event) => setForward({ host: event.target.value })}
                  className={`${INPUT} w-32`}
                />
              )}
            </FormField>
            <FormField
              fieldKey={`${key}.hostPort`}
              label="Host port"
              locked={lock}
              error={errors.fields[`${key}.hostPort`]}
            >
              {(control) => (
                <input
                  {...control}
                  inputMode="numeric"
                  value={forward.hostPort}
                  onChange={(event) => setForward({ hostPort: event.target.value })}
                  className={`${INPUT} w-24`}
                />
              )}
            </FormField>
            <FormField
              fieldKey={`${key}.guestPort`}
              label="Guest port"
              locked={lock}
              error={errors.fields[`${key}.guestPort`]}
            >
              {(control) => (
                <input
                  {...control}
                  inputMode="numeric"
                  value={forward.guestPort}
                  onChange={(event) => setForward({ guestPort: event.target.value })}
                  className={`${INPUT} w-24`}
                />
              )}
            </FormField>
            <Button
              size="small"
              intent="quiet"
              disabled={Boolean(lock)}
              onClick={() => set(removeAt(forwards, index))}
            >
              Remove forward {index + 1}
            </Button>
          </div>
        );
      })}
      <div>
        <Button size="small" disabled={Boolean(lock)} onClick={() => set([...forwards, newForwardDraft()])}>
          Add port forward
        </Button>
      </div>
    </div>
  );
}

export function NicFields({ draft, change, errors, locked }: FormPartProps) {
  const lock = locked('nics');
  const setNic = (index: number, update: Partial<NicDraft>) =>
    change((d) => ({ ...d, nics: replaceAt(d.nics, index, update) }));
  return (
    <FormSection legend="Network" locked={lock}>
      {draft.nics.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">No network.</p>}
      {draft.nics.map((nic, index) => {
        const key = `nics.${index}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: NICs have no identity but their place
          <div key={index} className="flex flex-col gap-2 rounded-md bg-zinc-50 p-2 dark:bg-zinc-900/50">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-sm font-medium">
                Interface {index + 1}
                {nic.mac && (
                  <span className="ml-2 font-mono text-xs font-normal text-zinc-500">{nic.mac}</span>
                )}
              </span>
              <Button
                size="small"
                intent="quiet"
                disabled={Boolean(lock)}
                onClick={() => change((d) => ({ ...d, nics: removeAt(d.nics, index) }))}
              >
                Remove interface {index + 1}
              </Button>
            </div>
            {errors.fields[key] && (
              <p className="text-xs text-red-700 dark:text-red-400">{errors.fields[key]}</p>
            )}
            <div className="flex flex-wrap gap-3">
              <FormField
                fieldKey={`${key}.type`}
                label="Connection"
                locked={lock}
                error={errors.fields[`${key}.type`]}
              >
                {(control) => (
                  <select
                    {...control}
                    value={nic.type}
                    onChange={(event) => setNic(index, { type: event.target.value as NicDraft['type'] })}
                    className={INPUT}
                  >
                    {TYPES.map((type) => (
                      <option key={type.value} value={type.value}>
                        {type.label}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
              {nic.type === 'bridge' && (
                <FormField
                  fieldKey={`${key}.bridge`}
                  label="Bridge"
                  hint="An existing Linux bridge, allowed in /etc/qemu/bridge.conf"
                  locked={lock}
                  error={errors.fields[`${key}.bridge`]}
                >
                  {(control) => (
                    <input
                      {...control}
                      value={nic.bridge}
                      placeholder="br0"
                      onChange={(event) => setNic(index, { bridge: event.target.value })}
                      className={`${INPUT} w-32`}
                    />
                  )}
                </FormField>
              )}
              {nic.type === 'tap' && (
                <FormField
                  fieldKey={`${key}.tap`}
                  label="Tap interface"
                  locked={lock}
                  error={errors.fields[`${key}.tap`]}
                >
                  {(control) => (
                    <input
                      {...control}
                      value={nic.tap}
                      placeholder="tap0"
                      onChange={(event) => setNic(index, { tap: event.target.value })}
                      className={`${INPUT} w-32`}
                    />
                  )}
                </FormField>
              )}
              <FormField
                fieldKey={`${key}.model`}
                label="Model"
                locked={lock}
                error={errors.fields[`${key}.model`]}
              >
                {(control) => (
                  <select
                    {...control}
                    value={nic.model}
                    onChange={(event) => setNic(index, { model: event.target.value as NicDraft['model'] })}
                    className={INPUT}
                  >
                    <option value="virtio">virtio-net (fastest)</option>
                    <option value="e1000">e1000 (any guest)</option>
                  </select>
                )}
              </FormField>
            </div>
            {nic.type === 'user' && (
              <Forwards
                nicKey={key}
                forwards={nic.forwards}
                set={(forwards) => setNic(index, { forwards })}
                errors={errors}
                lock={lock}
              />
            )}
          </div>
        );
      })}
      <div>
        <Button
          size="compact"
          disabled={Boolean(lock)}
          onClick={() => change((d) => ({ ...d, nics: [...d.nics, newNicDraft()] }))}
        >
          Add network interface
        </Button>
      </div>
    </FormSection>
  );
}
