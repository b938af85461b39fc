/**
 * Narrowing a received event to its schema-typed shape by name.
 */
import type { QmpEvent, QmpEventName, TypedQmpEvent } from './types.ts';

export function isQmpEvent<N extends QmpEventName>(event: QmpEvent, name: N): event is TypedQmpEvent<N> {
  return event.event === name;
}
