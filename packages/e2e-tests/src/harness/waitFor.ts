/**
 * Polls `check` until it returns a value other than `undefined`, and fails with `what` and the
 * last error when `timeoutMs` passes first. For conditions outside the browser (a server's
 * state); inside the page Playwright's own waiting is used.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${lastError})` : '';
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${cause}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
