/**
 * Reads a JSON request body with a size limit checked while reading, so a huge
 * upload is refused (413) before it is held in memory.
 */
import type { IncomingMessage } from 'node:http';
import { BridgeError } from '../bridge-error.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BridgeError('InvalidJson', `request body is not valid JSON: ${(err as Error).message}`, 400);
  }
}

function tooLarge(limit: number): BridgeError {
  return new BridgeError('PayloadTooLarge', `request body is over the ${limit}-byte limit`, 413);
}
