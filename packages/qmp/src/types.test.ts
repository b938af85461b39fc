// Type-level tests: `tsc` (pnpm typecheck) fails if the generated typing of execute() regresses.
import { describe, expectTypeOf, it } from 'vitest';
import type { QmpClient } from './client.ts';
import { isQmpEvent } from './typed-events.ts';
import type { QmpEvent, QmpEvents, ReturnOf } from './types.ts';

describe('generated command and event types', () => {
  it('types known commands and leaves unknown ones open', () => {
    expectTypeOf<ReturnOf<'query-status'>['status']>().toEqualTypeOf<
      | 'debug'
      | 'inmigrate'
      | 'internal-error'
      | 'io-error'
      | 'paused'
      | 'postmigrate'
      | 'prelaunch'
      | 'finish-migrate'
      | 'restore-vm'
      | 'running'
      | 'save-vm'
      | 'shutdown'
      | 'suspended'
      | 'watchdog'
      | 'guest-panicked'
      | 'colo'
    >();
    expectTypeOf<ReturnOf<'some-downstream-command'>>().toBeUnknown();
    expectTypeOf<QmpClient['execute']>().toBeFunction();
    const check = (client: QmpClient) => {
      // @ts-expect-error: eject's device is a string
      void client.execute('eject', { device: 5 });
      void client.execute('eject', { device: 'cd0', force: true });
      void client.execute('__com.example-thing', { anything: 1 });
    };
    expectTypeOf(check).toBeFunction();
  });

  it('types event iterators filtered by known names', () => {
    const check = async (client: QmpClient) => {
      for await (const e of client.events({ names: ['DEVICE_TRAY_MOVED', 'STOP'] })) {
        if (e.event === 'DEVICE_TRAY_MOVED') expectTypeOf(e.data['tray-open']).toEqualTypeOf<boolean>();
        else expectTypeOf(e.event).toEqualTypeOf<'STOP'>();
      }
      for await (const e of client.events({ names: ['__VENDOR_EVENT'] }))
        expectTypeOf(e).toEqualTypeOf<QmpEvent>();
    };
    expectTypeOf(check).toBeFunction();
  });

  it('narrows events by name', () => {
    const event: QmpEvent = {
      event: 'DEVICE_TRAY_MOVED',
      data: {},
      timestamp: { seconds: 0, microseconds: 0 },
    };
    if (isQmpEvent(event, 'DEVICE_TRAY_MOVED')) {
      expectTypeOf(event.data['tray-open']).toEqualTypeOf<boolean>();
      expectTypeOf(event.data).toExtend<QmpEvents['DEVICE_TRAY_MOVED']>();
    }
  });
});
