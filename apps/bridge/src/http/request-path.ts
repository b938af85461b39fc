/**
 * The path of a request's URL, as the WHATWG URL parser reads it (dot segments resolved, `\` as `/`), without its
 * query. Never throws: a request target the parser refuses relative to a base (`//`, `///x`, `//a:b`, `*`) is a
 * request like any other and gets its 404 or 405, not a 500 (the fuzzer found `GET //` with an upgrade, and
 * `POST //`, answered 500 Internal "Invalid URL"); its path is then the target up to the query, as sent.
 */
export function pathOf(url: string): string {
  try {
    return new URL(url, 'http://bridge').pathname;
  } catch {
    const end = url.search(/[?#]/);
    return end === -1 ? url : url.slice(0, end);
  }
}
