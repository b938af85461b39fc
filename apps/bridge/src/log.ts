/**
 * The bridge's one logger: pino on stderr, so stdout stays free for the single "listening on ..." line that
 * scripts and tests wait for. On a terminal the lines are for people (pino-pretty: time, level, message, fields);
 * piped, under systemd or with `--log-format json`, one JSON object per line for tools.
 */
import { createRequire } from 'node:module';
import { pino } from 'pino';
import type PinoPretty from 'pino-pretty';

/** Loaded only for a terminal: a bridge logging JSON (a service, a bench) does not carry the prettifier. */
const loadPretty = (): typeof PinoPretty =>
  createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

export type Logger = pino.Logger;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Pretty when stderr is a terminal, JSON otherwise. */
export function defaultLogFormat(stderr: { isTTY?: boolean } = process.stderr): LogFormat {
  return stderr.isTTY === true ? 'pretty' : 'json';
}

/**
 * Fields censored wherever they appear in a log entry, as a second line of defence: the bridge logs no headers,
 * bodies or credentials on purpose (commands by name, failures by class), and if a future line does, these
 * never get through.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'passwordHash',
  'token',
  'tokenHash',
  'sessionId',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.tokenHash',
  '*.sessionId',
];

/** JSON lines go to `destination` when given (a test reading the whole log), else to stderr. */
export function createLogger(
  level: LogLevel = 'info',
  format: LogFormat = 'json',
  destination?: pino.DestinationStream,
): Logger {
  const options = {
    level,
    base: { app: 'qmpdeck-bridge' },
    redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' },
  };
  if (destination !== undefined) return pino(options, destination);
  if (format === 'pretty') {
    // Synchronous: a person reads at human speed, and nothing is lost when the bridge exits right after a line.
    return pino(
      options,
      loadPretty()({
        destination: 2,
        sync: true,
        colorize: true,
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'app,vm',
        messageFormat: '{if vm}{vm}: {end}{msg}',
      }),
    );
  }
  return pino(options, pino.destination({ fd: 2, sync: false }));
}

/** For tests and embedders that want no output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
