/**
 * The bridge's own TLS (config `tls`): the certificate and key files, read once at start. A file that is missing,
 * or a pair that is not PEM or does not match, stops the start with a sentence saying which (exit code 2).
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { TlsConfig } from '../config/schema.ts';
import { StartupError } from '../startup-error.ts';

/** The certificate and key, read once at start; a file that is missing or not a usable PEM pair stops the start. */
export function readTls(config: TlsConfig): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new StartupError(`cannot read the TLS ${what} ${path}: ${code}`);
    }
  };
  const cert = read('certificate', config.cert);
  const key = read('key', config.key);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new StartupError(
      `the TLS certificate ${config.cert} and key ${config.key} are not a usable PEM pair: ${(err as Error).message}`,
    );
  }
  return { cert, key };
}
