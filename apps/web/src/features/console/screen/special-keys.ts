/**
 * Keys a browser (or the desktop around it) keeps for itself, sent to the guest from a menu instead: Ctrl-Alt-Del,
 * Ctrl-Alt-F1..F12 (Linux virtual consoles), Alt-Tab, Alt-F4, Print Screen, SysRq (Alt + the SysRq key, as the
 * Linux kernel reads it), Esc, Tab and Super. Each is its keys pressed in order and released in reverse, as X11
 * keysyms with the `KeyboardEvent.code` noVNC turns into the scancode QEMU's extended key event carries.
 */

export interface KeyPress {
  keysym: number;
  code: string;
}

export interface SpecialKey {
  id: string;
  label: string;
  keys: readonly KeyPress[];
}

// X11 keysyms (X11/keysymdef.h).
const CTRL: KeyPress = { keysym: 0xffe3, code: 'ControlLeft' };
const ALT: KeyPress = { keysym: 0xffe9, code: 'AltLeft' };
const DELETE: KeyPress = { keysym: 0xffff, code: 'Delete' };
const TAB: KeyPress = { keysym: 0xff09, code: 'Tab' };
const ESCAPE: KeyPress = { keysym: 0xff1b, code: 'Escape' };
const PRINT: KeyPress = { keysym: 0xff61, code: 'PrintScreen' };
const SYSRQ: KeyPress = { keysym: 0xff15, code: 'PrintScreen' };
const SUPER: KeyPress = { keysym: 0xffeb, code: 'MetaLeft' };
const functionKey = (n: number): KeyPress => ({ keysym: 0xffbe + n - 1, code: `F${n}` });

export const CTRL_ALT_DEL_ID = 'ctrl-alt-del';

export const SPECIAL_KEYS: readonly SpecialKey[] = [
  { id: CTRL_ALT_DEL_ID, label: 'Ctrl+Alt+Del', keys: [CTRL, ALT, DELETE] },
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `ctrl-alt-f${i + 1}`,
    label: `Ctrl+Alt+F${i + 1}`,
    keys: [CTRL, ALT, functionKey(i + 1)],
  })),
  { id: 'alt-tab', label: 'Alt+Tab', keys: [ALT, TAB] },
  { id: 'alt-f4', label: 'Alt+F4', keys: [ALT, functionKey(4)] },
  { id: 'print-screen', label: 'Print Screen', keys: [PRINT] },
  { id: 'sysrq', label: 'Alt+SysRq', keys: [ALT, SYSRQ] },
  { id: 'escape', label: 'Esc', keys: [ESCAPE] },
  { id: 'tab', label: 'Tab', keys: [TAB] },
  { id: 'super', label: 'Super (Windows key)', keys: [SUPER] },
];

export type SendKey = (keysym: number, code: string, down: boolean) => void;

/** Presses the keys in order, then releases them in reverse. */
export function pressSpecialKey(key: SpecialKey, sendKey: SendKey): void {
  for (const press of key.keys) sendKey(press.keysym, press.code, true);
  for (const press of [...key.keys].reverse()) sendKey(press.keysym, press.code, false);
}
