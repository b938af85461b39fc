/**
 * What of a definition may change while the VM's QEMU runs: its name, description and autostart (the bridge's
 * own), and the media in its CD-ROM drives (QEMU changes those live). Everything else is fixed in QEMU's argv
 * until the next start, so the form shows it read-only with the reason.
 */
export const STOP_TO_CHANGE = 'Stop the VM to change this';

const LIVE = /^(name|description|autostart|cdroms\.\d+\.image)$/;

export function changesLive(fieldKey: string): boolean {
  return LIVE.test(fieldKey);
}

/** Why a field cannot be changed now, or null when it can. */
export type LockReason = (fieldKey: string) => string | null;

export const NOTHING_LOCKED: LockReason = () => null;

export const lockedWhileRunning: LockReason = (fieldKey) => (changesLive(fieldKey) ? null : STOP_TO_CHANGE);
