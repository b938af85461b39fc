/** A command sent to QEMU whose answer has not come yet. */
import { z } from 'zod';
import { Actor } from './events.ts';

export const InflightCommand = Actor.extend({
  id: z.string(),
  vm: z.string(),
  execute: z.string(),
  /** Where the command goes: QEMU's monitor (default), the guest agent, or the bridge itself (start, kill). */
  target: z.enum(['qmp', 'guest', 'bridge']).optional(),
  arguments: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Milliseconds since the epoch. */
  startedAt: z.number(),
  deadline: z.number(),
});
export type InflightCommand = z.infer<typeof InflightCommand>;

export const InflightList = z.array(InflightCommand);
