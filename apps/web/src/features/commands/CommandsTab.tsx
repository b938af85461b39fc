/**
 * The Commands tab: pick any command the VM's QEMU offers (from its own
 * schema), fill the generated form, execute, and see exactly what was sent
 * and what came back; earlier commands can be run again. What the signed-in
 * role may not run is marked in the picker and cannot be sent.
 */

import type { Vm } from '@qmpdeck/protocol';
import { type CommandDescription, describeCommand, listCommands } from '@qmpdeck/qmp/schema';
import { useMemo, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { usePermission } from '../session/usePermission.ts';
import { CommandForm } from './CommandForm.tsx';
import { CommandPicker } from './CommandPicker.tsx';
import { CommandResult } from './CommandResult.tsx';
import { matchCommands, matchCountText } from './command-matches.ts';
import { commandForm } from './from-schema.ts';
import { useCommandHistory, useCommandRunner } from './useCommandRunner.ts';
import { useSchema } from './useSchema.ts';

function describe(schema: Parameters<typeof describeCommand>[0], name: string): CommandDescription | string {
  try {
    return describeCommand(schema, name);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export default function CommandsTab({ vm }: { vm: Vm }) {
  const schema = useSchema(vm.id);
  const [name, setName] = useState('');
  const run = useCommandRunner(vm.id, 'Commands tab');
  const history = useCommandHistory(vm.id);
  const can = usePermission();
  // Every command QEMU offers is listed; those the role may not run carry the reason (the picker marks them).
  const commands = useMemo(
    () =>
      schema.data
        ? listCommands(schema.data).map((command) => ({ ...command, deniedReason: can(command.name).reason }))
        : [],
    [schema.data, can],
  );
  const picked = commands.find((command) => command.name === name.trim());
  const description = useMemo(
    () => (schema.data && picked ? describe(schema.data, picked.name) : null),
    [schema.data, picked],
  );
  const latest = history[0];
  // Built once per command: a self-containing type expands on first use and keeps what it expanded.
  const form = useMemo(
    () =>
      schema.data && description && typeof description !== 'string'
        ? commandForm(description, schema.data)
        : null,
    [schema.data, description],
  );

  return (
    <div className="grid min-h-0 flex-1 gap-4 overflow-auto p-3 lg:grid-cols-2">
      {/* Unnamed: "Command" is the picker's label alone, so getByLabel('Command') finds exactly it. */}
      <div className="flex min-w-0 flex-col gap-3">
        <CommandPicker
          commands={commands}
          value={name}
          onChange={setName}
          placeholder={schema.isPending ? 'loading the schema…' : 'type to search, e.g. query-status'}
        />
        {schema.isError && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            Cannot read the VM's schema: {schema.error.class}: {schema.error.desc}
          </p>
        )}
        {schema.data && name.trim() !== '' && !picked && (
          <p className="text-sm text-zinc-500">
            {matchCountText(matchCommands(commands, name).length)}; pick one.
          </p>
        )}
        {typeof description === 'string' && <p className="text-sm text-red-700">{description}</p>}
        {picked?.deniedReason && (
          <p className="text-sm text-amber-800 dark:text-amber-300" data-testid="command-denied">
            {picked.deniedReason}: it can be read here but not sent.
          </p>
        )}
        {description && typeof description !== 'string' && (
          <div className="flex flex-col gap-2">
            <p className="text-xs text-zinc-500">
              {description.deprecated && 'deprecated · '}
              {description.unstable && 'unstable · '}
              {description.experimental && 'experimental · '}
              {description.allowOob && 'allows out-of-band · '}
              {description.returns ? 'returns a value' : 'returns nothing'}
            </p>
            <CommandForm
              key={description.name}
              name={description.name}
              form={form ?? commandForm(description, schema.data ?? [])}
              busy={latest?.outcome.state === 'pending'}
              deniedReason={picked?.deniedReason}
              onExecute={(args) =>
                void run(
                  args ? { execute: description.name, arguments: args } : { execute: description.name },
                )
              }
            />
          </div>
        )}
      </div>
      <section
        aria-label="Result and history"
        className="flex min-w-0 flex-col gap-3 lg:sticky lg:top-0 lg:self-start"
      >
        {latest ? (
          <CommandResult entry={latest} />
        ) : (
          <p className="text-sm text-zinc-500">Nothing executed yet.</p>
        )}
        {history.length > 0 && (
          <div>
            <h2 className="text-sm font-medium">History</h2>
            <ul className="mt-1 flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800">
              {history.map((entry) => (
                <li key={entry.id} className="flex items-center gap-2 py-1.5">
                  <span
                    className="min-w-0 flex-1 truncate font-mono text-xs"
                    title={JSON.stringify(entry.request)}
                  >
                    {entry.request.execute}{' '}
                    {entry.request.arguments ? JSON.stringify(entry.request.arguments) : ''}
                  </span>
                  <span
                    className={`text-xs ${entry.outcome.state === 'error' ? 'text-red-700 dark:text-red-400' : 'text-zinc-500'}`}
                  >
                    {entry.outcome.state === 'error' ? entry.outcome.class : entry.outcome.state}
                  </span>
                  <Button
                    intent="quiet"
                    size="small"
                    aria-label={`Re-run ${entry.request.execute}`}
                    deniedReason={can(entry.request.execute).reason}
                    onClick={() => void run(entry.request)}
                  >
                    Re-run
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    </div>
  );
}
