/**
 * A VM's backups: `POST /api/vms/:id/backups` `{ storage?, speed? }` (the action `backup.create`: 202 with its
 * job), `GET /api/vms/:id/backups`, `DELETE /api/vms/:id/backups/:backup` (`backup.delete`) and
 * `POST /api/vms/:id/backups/:backup/restore` `{ as? }` (`backup.restore`: 202 with its job), and the retention
 * rule `GET|PUT /api/vms/:id/backups/retention` `{ keep }` (setting it is `backup.delete`).
 */
import { BackupList, Job } from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { listManifests, toBackup } from '../backups/backup-files.ts';
import type { BridgeAction } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { parseJsonBodies } from './json-body.ts';
import { originOf, vmIdOf } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function backupRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    parseJsonBodies(app, 'lenient');
    const run = (request: FastifyRequest, command: BridgeAction, args: Record<string, unknown>) =>
      ctx.pipeline.run({
        vm: vmIdOf(request),
        target: 'bridge',
        command,
        arguments: args,
        actor: httpActor(request, originOf(request.body)),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      });
    const bodyOf = (request: FastifyRequest): Record<string, unknown> => {
      const { origin: _, ...rest } = (
        typeof request.body === 'object' && request.body !== null ? request.body : {}
      ) as Record<string, unknown>;
      return rest;
    };
    const backupOf = (request: FastifyRequest) => (request.params as { backup: string }).backup;

    app.post('/api/vms/:id/backups', { schema: { response: { 202: Job } } }, async (request, reply) =>
      reply.code(202).send((await run(request, 'backup.create', bodyOf(request))) as Job),
    );

    app.get('/api/vms/:id/backups', { schema: { response: { 200: BackupList } } }, (request) => {
      const { storage } = ctx.vmJobs.options;
      return listManifests(storage, visibleVm(ctx, request).id).map((manifest) =>
        toBackup(storage, manifest),
      );
    });

    /** The retention rule: `{ keep }`, null for every backup kept. */
    app.get('/api/vms/:id/backups/retention', (request) => ({
      keep: ctx.vmJobs.retention.keep(visibleVm(ctx, request).id),
    }));

    /** `{ keep: N | null }`: the command `backup.delete` (it removes the backups beyond it at once). */
    app.put('/api/vms/:id/backups/retention', (request) => run(request, 'backup.delete', bodyOf(request)));

    app.delete('/api/vms/:id/backups/:backup', (request) =>
      run(request, 'backup.delete', { backup: backupOf(request) }),
    );

    app.post(
      '/api/vms/:id/backups/:backup/restore',
      { schema: { response: { 202: Job } } },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            (await run(request, 'backup.restore', { ...bodyOf(request), backup: backupOf(request) })) as Job,
          ),
    );
  };
}
