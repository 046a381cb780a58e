import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { OllamaTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { DevBackend } from './harness/devBackend';
import {
  composerOf,
  screenshotDir,
  sourceCardOf,
  sourceFactsOf,
  startStack,
  stepRunner,
  stopStack,
} from './harness/session';
import { waitFor } from './harness/waitFor';

// The operator cockpit, in a real browser against the dev app and backend, as the guest (an
// admin in the dev app): the Sources view with a re-index of the catalog followed to 100 %,
// then the retrieval test. The tests run in order on one page.

// Each step waits for what the user would see; this bounds the wait when something is wrong.
jest.setTimeout(90_000);

let ollama: OllamaTestServer;
let backend: DevBackend;
let browser: Browser;
let page: Page;

// The app is not built here: build it first (see the README).
beforeAll(async () => {
  ({ ollama, backend, browser } = await startStack());
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
}, 300_000);

afterAll(() => stopStack({ ollama, backend, browser }));

const step = stepRunner('cockpit-', () => ({ page, backend }));

/** `GET /admin/sources` as the guest: what the Sources view shows. */
async function sourcesFromApi(): Promise<any> {
  const res = await fetch(`${backend.baseUrl}/api/ai-assistant/admin/sources`, {
    headers: { authorization: `Bearer ${await backend.guestToken()}` },
  });
  if (!res.ok) {
    throw new Error(`GET /admin/sources: HTTP ${res.status}`);
  }
  return res.json();
}

describe('the operator cockpit', () => {
  it('opens the Sources view from the assistant page, with the catalog stored and fresh', () =>
    step('sources', async () => {
      await page.goto(`${backend.baseUrl}/catalog`);
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();
      await page
        .getByRole('button', { name: 'Enter' })
        .waitFor({ state: 'detached' });
      await page.goto(`${backend.baseUrl}/ai-assistant`);
      await composerOf(page).waitFor();

      await page.getByRole('tab', { name: 'Sources' }).click();
      const catalog = sourceCardOf(page, 'catalog');
      await catalog.waitFor();
      const facts = await sourceFactsOf(catalog);
      expect(facts.State).toBe('succeeded');
      expect(Number(facts.Documents)).toBeGreaterThan(0);
      expect(Number(facts.Chunks)).toBeGreaterThan(0);
      expect(facts['Last successful run']).toMatch(/\((just now|.+ ago)\)$/);
      expect(facts['Embedding model']).toMatch(/, \d+ dimensions$/);
      expect(facts.Errors).toBe('none');
    }));

  it('re-indexes the catalog and follows its progress to 100 %', () =>
    step('reindex', async () => {
      const before = (await sourcesFromApi()).sources.find(
        (s: { id: string }) => s.id === 'catalog',
      );
      const catalog = sourceCardOf(page, 'catalog');
      await catalog
        .getByRole('button', { name: 'Re-index', exact: true })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Re-index catalog?' });
      await dialog.getByRole('button', { name: 'Re-index' }).click();
      await page
        .getByText('A re-index of catalog is queued', { exact: false })
        .waitFor();

      // The view polls by itself: no refresh. The new run is done when its progress is full.
      const progress = catalog.getByRole('progressbar', {
        name: 'Progress of catalog',
      });
      await waitFor(
        'the re-index to show 100 % in the Sources view',
        async () => {
          const facts = await sourceFactsOf(catalog);
          const value = await progress.getAttribute('aria-valuenow');
          return facts.State === 'succeeded' &&
            value === '100' &&
            (await sourcesFromApi()).sources.find(
              (s: { id: string }) => s.id === 'catalog',
            ).lastRun.id !== before.lastRun.id
            ? true
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await catalog
        .getByText(
          new RegExp(
            `^${before.documents} / ${before.documents} documents, ${before.chunks} / ${before.chunks} chunks, 100 %$`,
          ),
        )
        .waitFor();

      // It re-embedded everything, though nothing had changed.
      const after = (await sourcesFromApi()).sources.find(
        (s: { id: string }) => s.id === 'catalog',
      );
      expect(after.lastRun).toMatchObject({
        state: 'succeeded',
        reembed: true,
        documentsUnchanged: 0,
        chunksSkipped: 0,
        chunksEmbedded: before.chunks,
      });
      expect(
        await catalog
          .getByRole('button', { name: 'Re-index', exact: true })
          .isEnabled(),
      ).toBe(true);
      await page.screenshot({
        path: join(screenshotDir, 'cockpit-sources.png'),
        fullPage: true,
      });
    }));

  it('runs a retrieval test and sees both legs, the fused list and the prompt chunks', () =>
    step('retrieval', async () => {
      await page.getByRole('tab', { name: 'Retrieval test' }).click();
      await page
        .getByRole('textbox', { name: 'Question' })
        .fill('How do I refund a payment?');
      await page.getByRole('button', { name: 'Run test' }).click();

      // Each table's body rows: a header row comes first.
      const rows = async (name: string) =>
        (await page.getByRole('table', { name }).getByRole('row').count()) - 1;
      await page.getByRole('table', { name: 'Fused ranking' }).waitFor();
      const vector = await rows('Vector leg candidates');
      const keyword = await rows('Keyword leg candidates');
      expect(vector).toBeGreaterThan(0);
      expect(keyword).toBeGreaterThan(0);
      // The fused list holds every candidate of either leg.
      expect(await rows('Fused ranking')).toBeGreaterThanOrEqual(
        Math.max(vector, keyword),
      );
      expect(
        await page.getByText("'refund'", { exact: false }).count(),
      ).toBeGreaterThan(0);
      const prompt = page.getByRole('list', { name: 'Chunks in the prompt' });
      expect(await prompt.getByRole('listitem').count()).toBeGreaterThan(0);
      await page.getByText(/^Removed by the permission filter: \d+$/).waitFor();
      await page.screenshot({
        path: join(screenshotDir, 'cockpit-retrieval-test.png'),
        fullPage: true,
      });
    }));
});
