/** The VM's QMP schema (fetched once per VM; the bridge caches it per QEMU version). */
import type { SchemaInfo } from '@qmpdeck/qmp/schema';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { fetchSchema } from '../../api/schema.ts';

export function useSchema(vmId: string) {
  return useQuery<SchemaInfo[], RequestError>({
    queryKey: queryKeys.schema(vmId),
    // The validator checks each entry's name and meta-type; the schema helper reads the rest.
    queryFn: async () => (await fetchSchema(vmId)) as unknown as SchemaInfo[],
    staleTime: Number.POSITIVE_INFINITY,
  });
}
