/**
 * Usage history of a VM (`GET /api/vms/:id/metrics?range=`) and its latest sample (`usage` messages).
 * Series names and units:
 * - `cpu`: the QEMU process, percent of one host core; `cpu.vcpus`: the vCPU threads together, same unit;
 * - `memory`: the QEMU process's RSS, bytes; `memory.balloon`: the balloon's actual size, bytes;
 *   `memory.guest.used` / `memory.guest.total`: the guest's own view (guest agent), bytes;
 * - `disk.<drive>.read` / `.write`: bytes per second; `disk.<drive>.readOps` / `.writeOps`: operations per second;
 * - `net.<interface>.rx` / `.tx`: bytes per second; `.rxPackets` / `.txPackets`: packets per second.
 */
import { z } from 'zod';

export const MetricsRange = z.enum(['hour', 'day', 'week', 'month', 'year']);
export type MetricsRange = z.infer<typeof MetricsRange>;

/** Seconds each range covers, back from now. */
export const RANGE_SECONDS: Readonly<Record<MetricsRange, number>> = {
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 31 * 86_400,
  year: 366 * 86_400,
};

/** `[unixSeconds, value]`; value null where no sample was taken. */
export const MetricsPoint = z.tuple([z.number(), z.number().nullable()]);

export const MetricsResponse = z.object({
  range: MetricsRange,
  /** Seconds between points. */
  step: z.number(),
  series: z.record(z.string(), z.array(MetricsPoint)),
  /** For consolidated ranges: the maxima of each step, same shape as `series`. */
  max: z.record(z.string(), z.array(MetricsPoint)).optional(),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;

export const UsageSample = z.object({
  /** Unix seconds. */
  time: z.number(),
  values: z.record(z.string(), z.number()),
});
export type UsageSample = z.infer<typeof UsageSample>;
