/** File-name globs for discovery: `*` and `?` only, matched against the whole name. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** `web-1.qmp` -> `web-1`: the VM id a socket's file name gives. */
export function vmIdFromFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return stem.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
}
