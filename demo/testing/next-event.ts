/**
 * The first QMP event of a name that matches, or a clear error when none comes in time: a test waiting for an
 * event the guest should cause fails with what it waited for instead of running into the test timeout.
 */
import type { QmpClient, QmpEvent } from '../../packages/qmp/src/index.ts';

export async function nextEvent(
  qmp: QmpClient,
  name: string,
  matches: (event: QmpEvent) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<QmpEvent> {
  const events = qmp.events({ names: [name] });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no matching ${name} event within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const found = (async () => {
    for await (const event of events) if (matches(event)) return event;
    throw new Error(`the QMP connection closed before a matching ${name} event`);
  })();
  try {
    return await Promise.race([found, timeout]);
  } finally {
    clearTimeout(timer);
    await events.return?.();
  }
}
