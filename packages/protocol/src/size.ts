/**
 * Sizes as qemu-img reads them: a number of bytes, or a number with a suffix k, M, G, T, P or E, each a power of
 * 1024 ("64M" is 64 MiB, "1.5G" is 1.5 GiB). `null` for anything else.
 */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
  e: 1024 ** 6,
};

export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgtpe]?)\s*$/i.exec(text);
  if (!match) return null;
  const bytes = Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? Number.NaN);
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : null;
}
