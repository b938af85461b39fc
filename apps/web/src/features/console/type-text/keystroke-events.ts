/**
 * A chord as the key events of QMP `input-send-event`: modifiers down, the key down and up, modifiers up in
 * reverse. Every command carries a whole chord, so a cancelled or failed run never leaves a key held down.
 * AltGr is the right Alt key (`alt_r`), as on a PC keyboard.
 */
import type { ArgsOf } from '@qmpdeck/qmp';
import type { KeyCode } from './layout-spec.ts';
import type { Chord } from './text-to-keystrokes.ts';

export type InputEvent = ArgsOf<'input-send-event'>['events'][number];

const keyEvent = (key: KeyCode, down: boolean): InputEvent => ({
  type: 'key',
  data: { down, key: { type: 'qcode', data: key } },
});

export function chordEvents(chord: Chord): InputEvent[] {
  const modifiers: KeyCode[] = [
    ...(chord.shift ? (['shift'] as const) : []),
    ...(chord.altgr ? (['alt_r'] as const) : []),
  ];
  return [
    ...modifiers.map((key) => keyEvent(key, true)),
    keyEvent(chord.key, true),
    keyEvent(chord.key, false),
    ...modifiers.reverse().map((key) => keyEvent(key, false)),
  ];
}
