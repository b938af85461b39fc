/** Sizes that keep one client from hurting the others. */

/** Frames above this get `FrameTooLarge` and the connection stays open. */
export const SOFT_FRAME_LIMIT = 1024 * 1024;
/** ws refuses (and closes on) frames above this before buffering them. */
export const HARD_FRAME_LIMIT = 16 * 1024 * 1024;
/** Bytes queued for one client before it is called a slow consumer and dropped. */
export const DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;
/** Replay pauses while more than this is queued, so history never floods memory. */
export const REPLAY_LOW_WATER = 1024 * 1024;
export const REPLAY_PAGE = 500;
/** How long a dropped slow consumer may take to read what was already queued, then it is cut off. */
export const SLOW_CONSUMER_GRACE_MS = 2000;
/** Commands one client may have waiting for QEMU; QEMU runs one at a time, so more only queue up in memory. */
export const MAX_COMMANDS_IN_FLIGHT = 64;
