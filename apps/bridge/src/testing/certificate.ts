/** Certificates for tests of the bridge's own TLS, made by `openssl` (argv, never a shell). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1, localhost and two test names, valid one day; argv only. */
export function makeCertificate(dir: string, name = 'bridge'): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      // The names the tests send as Host, so the client's own name check passes and the bridge's is what is tested.
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:deck.lan,DNS:evil.example',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
