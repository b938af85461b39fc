/**
 * A VM as a route sees it: only when the caller's scope includes it. A VM out of scope answers exactly as a VM
 * that does not exist (404 `VmNotFound`), so a scoped user cannot even learn its name exists.
 */
import type { FastifyRequest } from 'fastify';
import { principalSees } from '../auth/principal.ts';
import { vmNotFound } from '../bridge-error.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { HttpContext } from './context.ts';
import { principalOf } from './http-actor.ts';
import { vmIdOf } from './route-schemas.ts';

export function visibleVm(ctx: HttpContext, request: FastifyRequest): VmSupervisor {
  const id = vmIdOf(request);
  const vm = ctx.registry.get(id);
  if (!vm || !principalSees(principalOf(request), id)) throw vmNotFound(id);
  return vm;
}
