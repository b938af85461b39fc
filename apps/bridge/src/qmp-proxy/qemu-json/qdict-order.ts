/**
 * The order in which QEMU writes an object's members. QEMU keeps a JSON object in a QDict: 512 hash buckets
 * (`tdb_hash`), each a list with the newest member first, and it writes and walks members bucket by bucket. So the
 * order is fixed by the key names (`{"return": ..., "id": ...}` but `{"id": ..., "error": ...}`), and it decides
 * which of several bad members QEMU names first. A faithful QMP server must write the same order.
 * (qobject/qdict.c: tdb_hash, qdict_put_obj, qdict_first/qdict_next.)
 */

const BUCKETS = 512;
const bucketCache = new Map<string, number>();
const MAX_CACHED = 4096;

/** QEMU's `tdb_hash(key) % QDICT_BUCKET_MAX`, over the key's UTF-8 bytes, in unsigned 32-bit arithmetic. */
export function qdictBucket(key: string): number {
  const cached = bucketCache.get(key);
  if (cached !== undefined) return cached;
  const bytes = Buffer.from(key, 'utf8');
  let value = Math.imul(0x238f13af, bytes.length) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    value = (value + ((bytes[i] as number) << ((i * 5) % 24))) >>> 0;
  }
  const bucket = ((Math.imul(1103515243, value) + 12345) >>> 0) % BUCKETS;
  if (bucketCache.size < MAX_CACHED) bucketCache.set(key, bucket);
  return bucket;
}

/**
 * The members of an object QEMU built by inserting `keys` in this order (a later duplicate only replaces the
 * value), in the order QEMU walks and writes them.
 */
export function qdictOrder(insertionOrder: readonly string[]): string[] {
  // Few members, often met: an insertion sort of the keys by bucket, newest first within one (no objects made).
  const keys: string[] = [];
  const buckets: number[] = [];
  for (const key of insertionOrder) {
    if (keys.includes(key)) continue;
    const bucket = qdictBucket(key);
    let at = keys.length;
    while (at > 0 && (buckets[at - 1] as number) >= bucket) at--;
    keys.splice(at, 0, key);
    buckets.splice(at, 0, bucket);
  }
  return keys;
}

/**
 * The members of an object QEMU wrote (so already in its order, newest first within a bucket), in QEMU's order
 * again: only the buckets are sorted, stably. This undoes what a JavaScript object does to keys that look like
 * array indices (it moves them first), and leaves everything else as QEMU sent it.
 */
export function qdictWrittenOrder(keys: readonly string[]): string[] {
  if (keys.length < 2) return [...keys];
  const entries = keys.map((key, index) => ({ key, bucket: qdictBucket(key), index }));
  entries.sort((a, b) => a.bucket - b.bucket || a.index - b.index);
  return entries.map((entry) => entry.key);
}

/** An object with the members QEMU would insert in this order, laid out in the order QEMU writes them. */
export function qdictOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const values = new Map(entries);
  const object: Record<string, unknown> = Object.create(null);
  for (const key of qdictOrder(entries.map(([key]) => key))) object[key] = values.get(key);
  return object;
}
