/**
 * Which command most likely caused an event: among the commands the cause table allows for it, the oldest still
 * in flight (QEMU runs one monitor command at a time and sends its events before its return), else the one
 * answered most recently within its rule's window (a guest shutting down after the power button, a job's later
 * events). Nothing else: an event no recent command can produce has no cause.
 */
import type { Cause, InflightCommand } from '@qmpdeck/protocol';
import { causeRule } from './cause-table.ts';
import type { InflightCommands } from './inflight-commands.ts';

export interface CausedEvent {
  event: string;
  data?: Record<string, unknown> | undefined;
}

export function findCause(commands: InflightCommands, event: CausedEvent, now = Date.now()): Cause | null {
  const data = event.data ?? {};
  const mayCause = (command: InflightCommand) =>
    causeRule(command.execute, event.event, data, command.arguments ?? null);
  const running = commands.list().find((command) => mayCause(command) !== undefined);
  if (running) return toCause(running);
  const recent = commands.recent();
  for (let i = recent.length - 1; i >= 0; i--) {
    const { command, completedAt } = recent[i] as (typeof recent)[number];
    const rule = mayCause(command);
    if (rule !== undefined && now - completedAt <= rule.afterMs) return toCause(command);
  }
  return null;
}

function toCause(command: InflightCommand): Cause {
  return {
    command: command.execute,
    arguments: command.arguments ?? null,
    id: command.id,
    client: command.client,
    user: command.user,
    origin: command.origin,
    remote: command.remote ?? null,
  };
}
