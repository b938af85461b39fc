/**
 * Name globs as the config writes them (`query-*`, `web-?`, `guest-get-*`): `*` is any run of characters, `?` one
 * character, everything else literal and case-sensitive. One matcher for the bridge (policy, VM scope) and the web
 * app (which commands a role may run), so both read a rule the same way.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re === undefined) {
    const source = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${source}$`, 's');
    if (cache.size > 1000) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

export function globMatch(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}

export function anyGlobMatches(globs: readonly string[], text: string): boolean {
  return globs.some((glob) => globMatch(glob, text));
}
