/** A pino logger whose lines a test can read: every line parsed, as the bridge would write it to stderr. */
import { pino } from 'pino';
import type { Logger, LogLevel } from '../log.ts';

export interface LogLine {
  level: number;
  msg: string;
  vm?: string;
  [key: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function captureLog(level: LogLevel = 'debug'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (text: string) => void lines.push(JSON.parse(text) as LogLine) });
  return { log, lines };
}
