/**
 * The Hardware tab's routes:
 * - `GET /api/vms/:id/hardware`: what the VM is made of, the bridge action `hardware.read` (one pipeline command
 *   as the caller, hardware/hardware-read.ts);
 * - `POST /api/vms/:id/media` `{ drive, image, origin? }`: the bridge action `device.media` (an image from a storage
 *   location in a CD-ROM or floppy, or none), whose QEMU commands run as the caller's own;
 * - `POST /api/vms/:id/disks` `{ image, readOnly?, origin? }`, `POST /api/vms/:id/nics` `{ model?, mac?, origin? }`,
 *   `DELETE /api/vms/:id/nics/:device`, `DELETE /api/vms/:id/disks/:device`: the bridge actions
 *   `device.disk-add`, `device.nic-add`, `device.nic-remove` and `device.disk-remove`, one pipeline command each.
 */
import {
  DeviceChange,
  DiskAddRequest,
  Hardware,
  MediaChange,
  MediaRequest,
  NicAddRequest,
} from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BridgeAction } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { integerParam, vmIdOf } from './route-schemas.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const HARDWARE_ORIGIN = 'Hardware tab';
/** `?wait=SECONDS`: how long an unplug waits for the guest to let go before answering 504 (default 20). */
const UnplugQuery = z.object({ wait: integerParam('wait', 1) }).describe('query');

export function hardwareRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    const action = (
      request: FastifyRequest,
      command: BridgeAction,
      args: Record<string, unknown> | undefined,
      origin?: string,
    ) =>
      ctx.pipeline.run({
        vm: vmIdOf(request),
        target: 'bridge',
        command,
        arguments: args,
        actor: httpActor(request, origin ?? HARDWARE_ORIGIN),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      }) as Promise<unknown>;

    app.get(
      '/api/vms/:id/hardware',
      { schema: { response: { 200: Hardware } } },
      (request) => action(request, 'hardware.read', undefined) as Promise<Hardware>,
    );

    app.post(
      '/api/vms/:id/media',
      { schema: { body: MediaRequest.describe('media request'), response: { 200: MediaChange } } },
      (request) => {
        const { origin, ...args } = request.body;
        return action(request, 'device.media', args, origin) as Promise<MediaChange>;
      },
    );

    app.post(
      '/api/vms/:id/disks',
      { schema: { body: DiskAddRequest.describe('disk request'), response: { 200: DeviceChange } } },
      (request) => {
        const { origin, ...args } = request.body;
        return action(request, 'device.disk-add', args, origin) as Promise<DeviceChange>;
      },
    );

    app.post(
      '/api/vms/:id/nics',
      { schema: { body: NicAddRequest.describe('NIC request'), response: { 200: DeviceChange } } },
      (request) => {
        const { origin, ...args } = request.body;
        return action(request, 'device.nic-add', args, origin) as Promise<DeviceChange>;
      },
    );
    const unplug = (path: string, command: BridgeAction) =>
      app.delete(
        path,
        { schema: { querystring: UnplugQuery, response: { 200: DeviceChange } } },
        (request) => {
          const { wait } = request.query;
          return action(request, command, {
            device: deviceOf(request),
            ...(wait === undefined ? {} : { waitSeconds: wait }),
          }) as Promise<DeviceChange>;
        },
      );
    unplug('/api/vms/:id/nics/:device', 'device.nic-remove');
    unplug('/api/vms/:id/disks/:device', 'device.disk-remove');
  };
}

function deviceOf(request: { params: unknown }): string {
  return (request.params as { device: string }).device;
}
