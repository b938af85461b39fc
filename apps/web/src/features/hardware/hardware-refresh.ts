/**
 * The events after which a VM's hardware list is asked again (the Hardware tab has no polling): trays and media,
 * devices going, the balloon, NICs' filters, block errors, and a new QMP connection (perhaps a new QEMU).
 */
import { isKnownEvent, type KnownEventName } from '../../qemu/event-names.ts';

const HARDWARE_EVENTS: ReadonlySet<KnownEventName> = new Set<KnownEventName>([
  'DEVICE_TRAY_MOVED',
  'DEVICE_DELETED',
  'BLOCK_IO_ERROR',
  'BLOCK_IMAGE_CORRUPTED',
  'BALLOON_CHANGE',
  'NIC_RX_FILTER_CHANGED',
  'MEMORY_DEVICE_SIZE_CHANGE',
  'BRIDGE_CONNECTED',
]);

export function hardwareChangedBy(event: string): boolean {
  return isKnownEvent(event) && HARDWARE_EVENTS.has(event);
}
