/**
 * Command-line flags. pnpm 10 passes the `--` of `pnpm start -- --port N` through
 * to the script, so a leading `--` is dropped before parsing.
 */
import { parseArgs } from 'node:util';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.ts';

export interface CliOptions {
  config?: string;
  host?: string;
  port?: number;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
  help: boolean;
}

/** A mistake on the command line: main prints `message` and exits with code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export const USAGE = [
  'usage: qmpdeck-bridge [--config FILE] [--host H] [--port N] [--log-level LEVEL] [--log-format pretty|json]',
  '       qmpdeck-bridge hash-password [--json]   (a passwordHash for the config; the password from a prompt or stdin)',
  '       qmpdeck-bridge new-token [--json]       (an API token and its tokenHash)',
].join('\n');

export function parseCli(argv: readonly string[]): CliOptions {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]}\n${USAGE}`);
  }
  const options: CliOptions = { help: values.help === true };
  if (typeof values.config === 'string') options.config = values.config;
  if (typeof values.host === 'string') {
    if (values.host === '') throw new CliError('--host: expected a host name or address');
    options.host = values.host;
  }
  if (typeof values.port === 'string') options.port = parsePort(values.port);
  const level = values['log-level'];
  if (typeof level === 'string') {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new CliError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}`);
    }
    options.logLevel = level as LogLevel;
  }
  const format = values['log-format'];
  if (typeof format === 'string') {
    if (!(LOG_FORMATS as readonly string[]).includes(format)) {
      throw new CliError(`--log-format: expected one of ${LOG_FORMATS.join(', ')}`);
    }
    options.logFormat = format as LogFormat;
  }
  return options;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new CliError(`--port: expected a number from 0 to 65535, got "${text}"`);
  return port;
}
