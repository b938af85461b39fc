/** A hang is a failure too: every answer the harness waits for has a deadline, and missing it names what hung. */

export class DeadlineMissed extends Error {
  override readonly name = 'DeadlineMissed';
}

export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineMissed(`no answer within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
