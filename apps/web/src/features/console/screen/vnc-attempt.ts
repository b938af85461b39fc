/**
 * One attempt of the screen's connection: a noVNC `RFB` on the bridge's `/vnc` WebSocket, attached to `target`.
 * An RFB object is single-use (its `disconnect` state is final), so every reconnect makes a new one.
 * Set here for every attempt: shared (the bridge forces it anyway, so one viewer never drops another), the dot
 * cursor (QEMU sends its cursor as the cursor pseudo-encoding and noVNC draws it as the local cursor; when the
 * guest hides it, the dot still shows where the pointer is), and view-only for a person who may not type.
 */
import type RFB from '@novnc/novnc';
import type { AttemptHandlers, LinkAttempt } from '../link/reconnecting-link.ts';

export type RfbClass = typeof RFB;

export interface ScreenSettings {
  viewOnly: boolean;
  /** Scale to fit the pane; otherwise 1:1 with scrollbars. */
  fit: boolean;
}

export function applySettings(rfb: RFB, settings: ScreenSettings): void {
  rfb.viewOnly = settings.viewOnly;
  rfb.scaleViewport = settings.fit;
  rfb.clipViewport = false;
  // QEMU's VNC cannot resize the guest's display on request.
  rfb.resizeSession = false;
}

export interface VncAttemptOptions {
  Rfb: RfbClass;
  target: HTMLElement;
  url: string;
  settings: ScreenSettings;
  handlers: AttemptHandlers;
  /** The live RFB of this attempt once it connected, and null when it is gone. */
  onRfb(rfb: RFB | null): void;
  /** The canvas of a connection that broke (noVNC has just taken it out of `target`), to keep showing it. */
  onLastFrame?(canvas: HTMLCanvasElement): void;
}

export function openVncAttempt({
  Rfb,
  target,
  url,
  settings,
  handlers,
  onRfb,
  onLastFrame,
}: VncAttemptOptions): LinkAttempt {
  let rfb: RFB | null;
  try {
    rfb = new Rfb(target, url, { shared: true });
  } catch (error) {
    // noVNC throws on an unusable URL; report a failed attempt, the link retries.
    console.error('QMP Deck: noVNC could not start', error);
    queueMicrotask(handlers.closed);
    return { close: () => {} };
  }
  rfb.showDotCursor = true;
  rfb.background = 'rgb(24, 24, 27)';
  applySettings(rfb, settings);
  let canvas: HTMLCanvasElement | null = null;
  const connected = () => {
    canvas = target.querySelector('canvas');
    onRfb(rfb);
    handlers.opened();
  };
  const disconnected = () => {
    if (canvas && canvas.width > 0) onLastFrame?.(canvas);
    onRfb(null);
    rfb = null;
    handlers.closed();
  };
  rfb.addEventListener('connect', connected);
  rfb.addEventListener('disconnect', disconnected);
  return {
    close: () => {
      const current = rfb;
      rfb = null;
      if (!current) return;
      current.removeEventListener('connect', connected);
      current.removeEventListener('disconnect', disconnected);
      current.disconnect();
      onRfb(null);
    },
  };
}
