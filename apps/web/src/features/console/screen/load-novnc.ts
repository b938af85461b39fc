/** noVNC on demand: its own chunk, fetched when a screen is first shown, so the first page load stays small. */
import type { RfbClass } from './vnc-attempt.ts';

let loading: Promise<RfbClass> | null = null;

export function loadNoVnc(): Promise<RfbClass> {
  loading ??= import('@novnc/novnc').then((module) => module.default);
  // A failed load (the bridge restarted with a new build) may be retried.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
