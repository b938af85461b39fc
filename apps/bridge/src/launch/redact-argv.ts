/**
 * QEMU's command line as it may appear in a log. Options such as
 * `-object secret,id=s0,data=...` or `-vnc ...,password=...` carry secrets in
 * `key=value` pairs; their values are replaced, the rest is kept for debugging.
 */
const SECRET_KEY = /(^|[-_])(password|passwd|secret|data|key|token|passphrase)$/i;

export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg.startsWith('-') ? arg : redactOptions(arg)));
}

function redactOptions(arg: string): string {
  return arg
    .split(',')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq > 0 && SECRET_KEY.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    })
    .join(',');
}
