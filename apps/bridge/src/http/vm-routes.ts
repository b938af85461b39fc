/**
 * `GET /api/vms`, `GET /api/vms/:id`, and start/kill of managed VMs: the bridge actions `vm.start` and `vm.kill`
 * through the command pipeline, so they are authorized, audited and named as the cause of what follows.
 */
import { Vm, VmList } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { principalSees } from '../auth/principal.ts';
import type { BridgeAction } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { parseJsonBodies } from './json-body.ts';
import { originOf, vmIdOf } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function vmRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    // Start and kill read an optional { origin } and ignore any other body, JSON or not.
    parseJsonBodies(app, 'lenient');

    /** Only the VMs the caller's scope includes. */
    app.get('/api/vms', { schema: { response: { 200: VmList } } }, (request) => {
      const principal = principalOf(request);
      return ctx.registry
        .all()
        .filter((vm) => principalSees(principal, vm.id))
        .map((vm) => vm.snapshot());
    });

    app.get('/api/vms/:id', { schema: { response: { 200: Vm } } }, (request) =>
      visibleVm(ctx, request).snapshot(),
    );

    const lifecycle = (action: BridgeAction) =>
      app.post(`/api/vms/:id/${action.slice('vm.'.length)}`, (request) =>
        ctx.pipeline.run({
          vm: vmIdOf(request),
          target: 'bridge',
          command: action,
          actor: httpActor(request, originOf(request.body)),
          principal: principalOf(request),
          clientCommandId: nextHttpCommandId(),
        }),
      );
    /** Launches a managed VM's QEMU; answers the VM object once it started (or failed to). */
    lifecycle('vm.start');
    /** SIGKILLs a managed VM's QEMU; answers once the process is gone. */
    lifecycle('vm.kill');

    /** Power button, then `quit` after `timeoutMs` (default 60 s), then SIGKILL; answers once QEMU is gone. */
    app.post('/api/vms/:id/stop', (request) => {
      const { origin, ...args } = (
        typeof request.body === 'object' && request.body !== null ? request.body : {}
      ) as Record<string, unknown>;
      return ctx.pipeline.run({
        vm: vmIdOf(request),
        target: 'bridge',
        command: 'vm.stop',
        arguments: args,
        actor: httpActor(request, originOf({ origin })),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      });
    });
  };
}
