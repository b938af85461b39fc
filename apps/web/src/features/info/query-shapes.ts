/**
 * What the info panel reads from each QMP query's return, as validators: a
 * QEMU that answers differently shows an error in that section instead of
 * breaking the page. Unknown members are kept (QEMU adds members over time).
 */
import { z } from 'zod';

export const MachineList = z.array(
  z.looseObject({ name: z.string(), alias: z.string().optional(), 'cpu-max': z.number().optional() }),
);
export const CpuList = z.array(
  z.looseObject({
    'cpu-index': z.number(),
    'qom-path': z.string(),
    'thread-id': z.number().optional(),
    target: z.string().optional(),
    props: z.looseObject({}).optional(),
  }),
);
export const MemorySummary = z.looseObject({
  'base-memory': z.number(),
  'plugged-memory': z.number().optional(),
});
export const BlockList = z.array(
  z.looseObject({
    device: z.string(),
    qdev: z.string().optional(),
    removable: z.boolean(),
    locked: z.boolean().optional(),
    tray_open: z.boolean().optional(),
    inserted: z.looseObject({ file: z.string(), ro: z.boolean(), drv: z.string() }).optional(),
  }),
);
export const ChardevList = z.array(
  z.looseObject({ label: z.string(), filename: z.string(), 'frontend-open': z.boolean().optional() }),
);
export const VncInfo = z.looseObject({
  enabled: z.boolean(),
  host: z.string().optional(),
  service: z.string().optional(),
  family: z.string().optional(),
  auth: z.string().optional(),
  clients: z.array(z.looseObject({ host: z.string(), service: z.string() })).optional(),
});
