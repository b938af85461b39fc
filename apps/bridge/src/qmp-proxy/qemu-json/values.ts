/**
 * A JSON value as QEMU's parser makes it: integers within int64 or uint64 as `bigint` (exact, as QEMU keeps them),
 * every other number as a double (`number`), objects with their members in QEMU's own order (see qdict-order.ts)
 * and without a prototype (a member may be called `__proto__`).
 */
export type QemuJsonValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | QemuJsonValue[]
  | { [key: string]: QemuJsonValue };

export type QemuJsonObject = { [key: string]: QemuJsonValue };

export function isQemuJsonObject(value: unknown): value is QemuJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as plain JSON-able JavaScript: integers become numbers (beyond 2^53 the nearest double). */
export function toPlainJson(value: QemuJsonValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (isQemuJsonObject(value)) {
    const plain: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value)) plain[key] = toPlainJson(value[key] as QemuJsonValue);
    return plain;
  }
  return value;
}
