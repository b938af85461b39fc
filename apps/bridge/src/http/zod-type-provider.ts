/**
 * Route schemas are the zod validators of `packages/protocol` (the one source of shapes), and fastify infers each
 * route's types from them. A dozen lines of our own instead of `fastify-type-provider-zod`: that package requires
 * `@fastify/swagger` (and `openapi-types`) as peer dependencies for its OpenAPI transforms, which the bridge does
 * not use. A failed validation is a `BadRequest` naming every bad field, as before.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';
import { badRequest } from '../bridge-error.ts';
import { invalidJson } from './json-body.ts';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/**
 * Validates with the route's zod schema; the schema's description (e.g. "execute request") names it in errors. A
 * route that takes a body and got none gets `InvalidJson`, as an empty body (no JSON at all) always has.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    if (httpPart === 'body' && data === undefined) {
      return { error: invalidJson('request body is empty; expected a JSON object') };
    }
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    return {
      error: badRequest(`invalid ${schema.description ?? httpPart}: ${describeIssues(parsed.error.issues)}`),
    };
  };

/** Response schemas only type the handlers' answers; the bridge builds them itself, so they are not checked again. */
export const plainSerializerCompiler: FastifySerializerCompiler<z.ZodType> = () => (data) =>
  JSON.stringify(data);

export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
