/** A QEMU job that ended with an error: QEMU's words (from `query-jobs`, `query-dump`, `query-migrate`). */
export class QemuJobError extends Error {
  readonly class = 'GenericError';
  constructor(readonly desc: string) {
    super(desc);
  }
}
