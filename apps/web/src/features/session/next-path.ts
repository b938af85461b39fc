/**
 * Where the sign-in page sends a person afterwards: the page they were going to, carried in `?next=`. Only a
 * path of this app is followed, so a link to the sign-in page cannot send someone to another site after they
 * typed their password (an open redirect).
 */
export const SIGN_IN_PATH = '/sign-in';

export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/')) return '/';
  // `//host` and `/\\host` are other sites to a browser; the sign-in page itself would loop.
  if (next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === SIGN_IN_PATH || next.startsWith(`${SIGN_IN_PATH}?`) || next.startsWith(`${SIGN_IN_PATH}/`)) {
    return '/';
  }
  return next;
}

/** The sign-in page's address that comes back to `path` (with its query) afterwards. */
export function signInPathFor(path: string): string {
  const next = safeNextPath(path);
  return next === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?${new URLSearchParams({ next })}`;
}
