/** QMP timestamps (seconds + microseconds) as people read them: a clock time and "how long ago". */
import type { Timestamp } from '@qmpdeck/protocol';

export function timestampMs(timestamp: Timestamp): number {
  return timestamp.seconds * 1000 + Math.floor(timestamp.microseconds / 1000);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Local wall-clock time with milliseconds, e.g. `14:03:07.412`. */
export function formatClock(timestamp: Timestamp): string {
  const date = new Date(timestampMs(timestamp));
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The full local date and time, for a tooltip. */
export function formatFull(timestamp: Timestamp): string {
  return new Date(timestampMs(timestamp)).toLocaleString();
}

export function formatAgo(timestamp: Timestamp, now: number): string {
  const seconds = Math.max(0, Math.round((now - timestampMs(timestamp)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
