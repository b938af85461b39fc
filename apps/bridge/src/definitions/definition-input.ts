/**
 * A definition as a request brings it, parsed: every problem of the schema, then every problem of the checks
 * (check-definition.ts), as one BadRequest naming each field as the API writes it (`disks[0].size: expected bytes
 * or a size such as "64M", "20G"`).
 */
import { VmDefinition } from '@qmpdeck/protocol';
import type { z } from 'zod';
import { badRequest } from '../bridge-error.ts';
import { describeIssue } from '../config/load.ts';
import { checkDefinition } from './check-definition.ts';

export function parseDefinition(
  input: unknown,
  schema: z.ZodType<VmDefinition> = VmDefinition,
): VmDefinition {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw badRequest(`invalid definition: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  const issues = checkDefinition(parsed.data);
  if (issues.length > 0) {
    throw badRequest(
      `invalid definition: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
