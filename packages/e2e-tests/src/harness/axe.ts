import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * Runs axe-core on the page and fails on any serious or critical violation, naming each
 * rule and the elements it found. The app's Content Security Policy forbids inline scripts,
 * which is how Playwright adds axe-core: open the page in a context with `bypassCSP: true`.
 */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  const results: AxeResults = await page.evaluate(() =>
    (window as unknown as { axe: typeof import('axe-core') }).axe.run(
      document,
      { resultTypes: ['violations'] },
    ),
  );
  const serious = results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map(n => `${n.html.slice(0, 200)} (${n.failureSummary})`)
          .join(', ')}`,
    );
  expect(serious).toEqual([]);
}
