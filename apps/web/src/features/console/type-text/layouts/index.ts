/** The guest keyboard layouts "Type text" knows, US first (the default). */
import type { LayoutSpec } from '../layout-spec.ts';
import { DE } from './de.ts';
import { FR } from './fr.ts';
import { GB } from './gb.ts';
import { US } from './us.ts';

export const LAYOUTS: readonly LayoutSpec[] = [US, GB, DE, FR];
export const DEFAULT_LAYOUT = US;

export function layoutById(id: string): LayoutSpec | undefined {
  return LAYOUTS.find((layout) => layout.id === id);
}
