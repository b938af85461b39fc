/**
 * Storage locations and their files: `GET /api/storage`, `GET /api/storage/:id/files`, the upload
 * (`PUT /api/storage/:id/files/:name`, the request body is the file, streamed: the 1 MiB JSON limit does not
 * apply, `uploads.maxBytes` does), `POST /api/storage/:id/download` (202 with the job) and
 * `DELETE /api/storage/:id/files/:name`. Listing is a read (any signed-in user, `usedBy` within their scope);
 * the changes are commands of the pipeline (`storage.upload`, `storage.download`, `storage.delete`).
 */
import { DownloadRequest, Job, StorageFile, StorageLocation } from '@qmpdeck/protocol';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { principalSees } from '../auth/principal.ts';
import { badRequest } from '../bridge-error.ts';
import { shownUrl } from '../storage/storage-actions.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const params = (request: FastifyRequest) => request.params as { id: string; name?: string };

export function storageRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const storage = ctx.management;

    app.get('/api/storage', { schema: { response: { 200: z.array(StorageLocation) } } }, (request) => {
      principalOf(request);
      return storage.locations.describe();
    });

    app.get('/api/storage/:id/files', { schema: { response: { 200: z.array(StorageFile) } } }, (request) => {
      const principal = principalOf(request);
      return storage.files.list(params(request).id, (vm) => principalSees(principal, vm));
    });

    app.post(
      '/api/storage/:id/download',
      { schema: { body: DownloadRequest.describe('download request'), response: { 202: Job } } },
      async (request, reply) => {
        const { url, name } = request.body;
        const job = await ctx.pipeline.run({
          vm: null,
          target: 'bridge',
          command: 'storage.download',
          arguments: { storage: params(request).id, name, url: shownUrl(url) },
          input: url,
          actor: httpActor(request, 'storage'),
          principal: principalOf(request),
          clientCommandId: nextHttpCommandId(),
        });
        reply.code(202);
        return job as Job;
      },
    );

    app.delete('/api/storage/:id/files/:name', async (request, reply) => {
      const { id, name } = params(request);
      await ctx.pipeline.run({
        vm: null,
        target: 'bridge',
        command: 'storage.delete',
        arguments: { storage: id, name },
        actor: httpActor(request, 'storage'),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      });
      reply.code(204).send();
    });

    await app.register(uploadRoute(ctx));
  };
}

const UploadQuery = z.object({ overwrite: z.enum(['0', '1', 'true', 'false']).optional() }).describe('query');

/** In a plugin of its own: its body is a stream, never parsed. */
function uploadRoute(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    base.removeAllContentTypeParsers();
    base.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    closeUnreadUploads(base);
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.put(
      '/api/storage/:id/files/:name',
      { schema: { querystring: UploadQuery, response: { 201: StorageFile } } },
      async (request, reply) => {
        const { id, name } = params(request);
        const length = request.headers['content-length'];
        const bytes = length === undefined ? null : Number(length);
        if (bytes !== null && !Number.isSafeInteger(bytes))
          throw badRequest('Content-Length is not a number');
        const overwrite = request.query.overwrite === '1' || request.query.overwrite === 'true';
        const file = await ctx.pipeline.run({
          vm: null,
          target: 'bridge',
          command: 'storage.upload',
          arguments: { storage: id, name: name ?? '', bytes, overwrite },
          // Without a body (no Content-Type parser ran): an empty file, from an empty stream.
          input: request.body ?? request.raw,
          actor: httpActor(request, 'upload'),
          principal: principalOf(request),
          clientCommandId: nextHttpCommandId(),
        });
        reply.code(201);
        return file as StorageFile;
      },
    );
  };
}

/**
 * An upload refused before its body was read (too large, a taken name, no permission) closes its connection
 * once the answer is out: the rest of the body is not read, nor waited for.
 */
function closeUnreadUploads(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode < 400 || request.raw.complete) return;
    reply.header('connection', 'close');
    // Taken now: once the answer is out, the response lets go of its socket.
    const socket = request.raw.socket;
    reply.raw.once('finish', () => socket?.destroy());
  });
}
