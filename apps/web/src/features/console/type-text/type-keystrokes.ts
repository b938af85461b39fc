/**
 * Types a plan into the guest one character at a time, at a pace the guest keeps up with: QEMU hands key events
 * straight to the emulated keyboard, whose queue (16 bytes on PS/2) overflows if a whole text arrives at once, so
 * each chord is its own `input-send-event` and the next waits for the answer plus a short pause. Cancel stops
 * between chords (every command holds a whole chord, so no key stays down); a failure (the VM is paused, the
 * bridge went away) stops the run and says how far it got.
 */
import { type RequestError, toRequestError } from '../../../api/request-error.ts';
import { chordEvents, type InputEvent } from './keystroke-events.ts';
import type { CharKeystrokes } from './text-to-keystrokes.ts';

/** The pause between chords: enough for a guest under emulation to drain the keyboard. */
export const DEFAULT_PACE_MS = 15;

export interface TypeProgress {
  /** Characters typed so far. */
  typed: number;
  total: number;
}

export type TypeOutcome =
  | { state: 'done'; typed: number }
  | { state: 'cancelled'; typed: number }
  | { state: 'failed'; typed: number; error: RequestError };

export interface TypeOptions {
  /** Sends one `input-send-event` (through the page's one execute path). */
  send(events: InputEvent[]): Promise<unknown>;
  signal?: AbortSignal;
  paceMs?: number;
  onProgress?(progress: TypeProgress): void;
  sleep?(ms: number): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function typeKeystrokes(
  keystrokes: readonly CharKeystrokes[],
  options: TypeOptions,
): Promise<TypeOutcome> {
  const { send, signal, paceMs = DEFAULT_PACE_MS, onProgress, sleep = realSleep } = options;
  const total = keystrokes.length;
  let typed = 0;
  onProgress?.({ typed, total });
  for (const stroke of keystrokes) {
    for (const chord of stroke.chords) {
      if (signal?.aborted) return { state: 'cancelled', typed };
      try {
        await send(chordEvents(chord));
      } catch (error) {
        return { state: 'failed', typed, error: toRequestError(error) };
      }
      if (paceMs > 0) await sleep(paceMs);
    }
    typed += 1;
    onProgress?.({ typed, total });
  }
  return { state: 'done', typed };
}
