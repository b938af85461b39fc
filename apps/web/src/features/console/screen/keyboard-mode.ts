/**
 * Whether noVNC sends keys as scancodes (QEMU's extended key events: the guest's own layout decides the
 * character, so any layout works without `-k`) or as X11 keysyms (QEMU then maps them with its `-k` keymap, US by
 * default). noVNC switches to scancodes when the server offers the pseudo-encoding, which QEMU does in its first
 * framebuffer update; it keeps that in a private field only, read here in this one place so the status line can
 * say it (and a test can check it does with QEMU).
 */
import type RFB from '@novnc/novnc';

export type KeyboardMode = 'scancodes' | 'keysyms';

export function keyboardMode(rfb: RFB): KeyboardMode {
  return (rfb as unknown as { _qemuExtKeyEventSupported?: boolean })._qemuExtKeyEventSupported === true
    ? 'scancodes'
    : 'keysyms';
}
