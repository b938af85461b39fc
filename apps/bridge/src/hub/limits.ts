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
/** Commands of one client handed to QEMU at once; QEMU runs one at a time, so more would only wait there. */
export const MAX_COMMANDS_IN_FLIGHT = 64;
/** Commands of one client waiting for a slot in turn (a pipelined burst, a bulk action); beyond, TooManyCommands. */
export const MAX_COMMANDS_QUEUED = 1000;
/** ...and the bytes of their frames, so a queue of large commands stays bounded too. */
export const MAX_QUEUED_COMMAND_BYTES = 16 * 1024 * 1024;
