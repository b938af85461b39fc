/**
 * Recognising what the peer sent. QMP objects may grow new members: unknown keys are ignored, never rejected.
 */
import type { QmpEvent, QmpGreeting } from './types.ts';

export type QmpResponse =
  | { kind: 'return'; id: unknown; hasId: boolean; value: unknown }
  | { kind: 'error'; id: unknown; hasId: boolean; class: string; desc: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseGreeting(message: unknown): QmpGreeting | undefined {
  if (!isRecord(message) || !isRecord(message.QMP)) return undefined;
  const { version, capabilities } = message.QMP;
  if (!isRecord(version) || !isRecord(version.qemu) || !Array.isArray(capabilities)) return undefined;
  const { major, minor, micro } = version.qemu;
  if (typeof major !== 'number' || typeof minor !== 'number' || typeof micro !== 'number') return undefined;
  return {
    version: {
      qemu: { major, minor, micro },
      package: typeof version.package === 'string' ? version.package : '',
    },
    capabilities: capabilities.filter((c): c is string => typeof c === 'string'),
  };
}

export function parseEvent(message: Record<string, unknown>): QmpEvent | undefined {
  if (typeof message.event !== 'string') return undefined;
  const ts = isRecord(message.timestamp) ? message.timestamp : {};
  const event: QmpEvent = {
    event: message.event,
    timestamp: {
      seconds: typeof ts.seconds === 'number' ? ts.seconds : 0,
      microseconds: typeof ts.microseconds === 'number' ? ts.microseconds : 0,
    },
  };
  if (isRecord(message.data)) event.data = message.data;
  return event;
}

export function parseResponse(message: Record<string, unknown>): QmpResponse | undefined {
  const hasId = 'id' in message;
  if ('return' in message) return { kind: 'return', id: message.id, hasId, value: message.return };
  if (isRecord(message.error)) {
    const { class: errorClass, desc } = message.error;
    return {
      kind: 'error',
      id: message.id,
      hasId,
      class: typeof errorClass === 'string' ? errorClass : 'GenericError',
      desc: typeof desc === 'string' ? desc : JSON.stringify(message.error),
    };
  }
  return undefined;
}

export { isRecord };
