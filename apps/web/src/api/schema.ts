/** The VM's `query-qmp-schema`, cached by the bridge per QEMU version. */
import { z } from 'zod';
import { fetchJson } from './http.ts';

/** Each entry is checked for what the form builder relies on; the rest is passed through. */
export const SchemaEntry = z.looseObject({ name: z.string(), 'meta-type': z.string() });
export const QmpSchema = z.union([
  z.array(SchemaEntry),
  z.object({ return: z.array(SchemaEntry) }).transform((body) => body.return),
  z.object({ schema: z.array(SchemaEntry) }).transform((body) => body.schema),
]);

export const fetchSchema = (vm: string) => fetchJson(`/api/vms/${encodeURIComponent(vm)}/schema`, QmpSchema);
