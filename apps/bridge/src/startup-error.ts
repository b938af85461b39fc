/** A start refused before anything runs (a bad address, unusable TLS files, a database that cannot open): main prints the message and exits 2. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
