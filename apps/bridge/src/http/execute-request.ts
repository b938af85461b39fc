/** The body of both execute routes (QMP and guest agent), validated, or a 400 that names every bad field. */

import type { IncomingMessage } from 'node:http';
import { ExecuteRequest } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import { readJsonBody } from './body.ts';

export async function readExecuteRequest(req: IncomingMessage, what: string): Promise<ExecuteRequest> {
  const parsed = ExecuteRequest.safeParse(await readJsonBody(req));
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new BridgeError('BadRequest', `invalid ${what}: ${detail}`, 400);
}
