/** Where a console's connection is, for the status line; written by `ReconnectingLink`. */
import type { ErrorBody } from '@qmpdeck/protocol';

export type LinkPhase =
  /** The first attempt is under way. */
  | 'connecting'
  | 'connected'
  /** The connection broke (or an attempt failed) and another is coming. */
  | 'reconnecting'
  /** The bridge said why there is nothing to connect to (`NoDisplay`, `NoSuchConsole`); it still looks again now and then. */
  | 'unavailable'
  /** Stopped by the page (the view went away). */
  | 'stopped';

export interface LinkState {
  phase: LinkPhase;
  /** Attempts since the last success (1 for the first try of a reconnect). */
  attempt: number;
  /** When the next attempt starts (ms since epoch), while waiting; null otherwise. */
  retryAt: number | null;
  /** What the bridge said about the last failed attempt, when it said anything. */
  problem: ErrorBody | null;
}

export const INITIAL_LINK_STATE: LinkState = {
  phase: 'connecting',
  attempt: 1,
  retryAt: null,
  problem: null,
};
