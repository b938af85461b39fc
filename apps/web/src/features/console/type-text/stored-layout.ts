/** The guest keyboard layout chosen for "Type text", remembered per VM in this browser; US until chosen. */

import type { LayoutSpec } from './layout-spec.ts';
import { DEFAULT_LAYOUT, layoutById } from './layouts/index.ts';

const layoutKey = (vm: string) => `qmpdeck:type-text-layout:${vm}`;

export function loadLayout(vm: string): LayoutSpec {
  let id: string | null = null;
  try {
    id = localStorage.getItem(layoutKey(vm));
  } catch (error) {
    console.warn(`QMP Deck: cannot read the keyboard layout from this browser's storage: ${String(error)}`);
  }
  return (id && layoutById(id)) || DEFAULT_LAYOUT;
}

export function saveLayout(vm: string, layout: LayoutSpec): void {
  try {
    localStorage.setItem(layoutKey(vm), layout.id);
  } catch (error) {
    console.warn(`QMP Deck: cannot keep the keyboard layout in this browser's storage: ${String(error)}`);
  }
}
