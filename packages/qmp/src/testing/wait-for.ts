/**
 * The one `waitFor` of the project's tests (the library's, the bridge's, the web app's and the e2e fixtures):
 * polls a condition until it gives a truthy value, which it returns, or fails naming what it waited for. Tests wait
 * for states, never for fixed times.
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
