/**
 * The bridge's one logger: pino, structured JSON lines on stderr, so stdout stays
 * free for the single "listening on ..." line that scripts and tests wait for.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: { app: 'qmpdeck-bridge' } }, pino.destination({ fd: 2, sync: false }));
}

/** For tests and embedders that want no output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
