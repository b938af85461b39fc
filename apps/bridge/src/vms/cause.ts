/**
 * Which command most likely caused an event. QEMU runs one monitor command at a
 * time and sends its events before its return, so the oldest command still in
 * flight is the best guess; failing that, the one answered most recently within
 * a short window (e.g. the guest's own RESET right after `system_reset`).
 * Queries change nothing, so they are never named.
 */
import type { Cause, InflightCommand } from '@qmpdeck/protocol';
import type { InflightTracker } from './inflight.ts';

export function findCause(tracker: InflightTracker, now = Date.now()): Cause | null {
  const candidate =
    tracker.list().find(changesState) ??
    tracker
      .recent(now)
      .map((entry) => entry.command)
      .filter(changesState)
      .at(-1);
  return candidate === undefined ? null : toCause(candidate);
}

function changesState(command: InflightCommand): boolean {
  return !command.execute.startsWith('query-');
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
