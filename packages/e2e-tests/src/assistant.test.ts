import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { OllamaTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { DevBackend } from './harness/devBackend';
import {
  screenshotDir,
  startStack,
  stepRunner,
  stopStack,
  textOf,
  chatRequestsFor,
  sourceCardOf,
  sourceFactsOf,
} from './harness/session';
import { waitFor } from './harness/waitFor';

// The whole journey of a user of the chat page, in a real browser against the dev app and
// backend, with a loopback model server that speaks Ollama's API. The tests run in order and
// share one page: each continues the conversation of the one before.

const QUESTION = 'How do I refund a payment?';
const ANSWER =
  'Refund a captured payment with POST /payments/{paymentId}/refunds on the Payments API [1]. ' +
  'It works for **90 days** after capture, in full or in part, and needs an idempotency key. ' +
  'Refunds above 1,000 EUR wait for a second approval from the Payments Team.';
const TITLE = 'Refunding a payment';
const SECOND_QUESTION =
  'Who approves large refunds, and how long does it take?';
// Long and slow, so there is time to press stop while it streams.
const LONG_ANSWER = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');

// Each step waits for what the user would see; these bound the wait when something is wrong.
jest.setTimeout(60_000);

let ollama: OllamaTestServer;
let backend: DevBackend;
let browser: Browser;
let page: Page;

// The app is not built here: scripts/test.sh builds it first (see the README).
beforeAll(async () => {
  ({ ollama, backend, browser } = await startStack({
    waitForCatalog: false,
  }));
  await waitForCatalogIngested(backend);
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(() => stopStack({ ollama, backend, browser }));

const journey = stepRunner('', () => ({ page, backend }));

/** Waits until the catalog ingestor has read every example entity, starting a run if needed. */
async function waitForCatalogIngested(dev: DevBackend) {
  const headers = { authorization: `Bearer ${await dev.guestToken()}` };
  const api = `${dev.baseUrl}/api/ai-assistant`;
  const expectedEntities = await waitFor(
    'the example catalog to be loaded',
    async () => {
      const res = await fetch(
        `${dev.baseUrl}/api/catalog/entity-facets?facet=kind`,
        { headers },
      );
      const { facets } = await res.json();
      const kinds: Array<{ value: string; count: number }> = facets.kind;
      const count = (kind: string) =>
        kinds.find(k => k.value === kind)?.count ?? 0;
      // examples/ holds 4 components, 2 APIs and 2 systems (and teams, users, a domain).
      return count('Component') >= 4 &&
        count('API') >= 2 &&
        count('System') >= 2
        ? kinds.reduce(
            (sum, k) => sum + (k.value === 'Location' ? 0 : k.count),
            0,
          )
        : undefined;
    },
  );
  let runStarted = false;
  await waitFor(
    'the catalog ingestion to finish with every entity',
    async () => {
      const res = await fetch(`${api}/ingestion`, { headers });
      const { ingestors } = await res.json();
      const catalog = ingestors.find((i: { id: string }) => i.id === 'catalog');
      const run = catalog?.lastRun;
      if (!run?.finishedAt) {
        return undefined;
      }
      if (catalog.documents >= expectedEntities) {
        return true;
      }
      // The first run began before the catalog had processed every entity: run again.
      if (!runStarted) {
        runStarted = true;
        await fetch(`${api}/ingestion/run`, { method: 'POST', headers });
      }
      return undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}

function composer(): Locator {
  return page.getByRole('textbox', { name: 'Message to the AI assistant' });
}

function lastAnswer(): Locator {
  return page.getByRole('article', { name: "Assistant's answer" }).last();
}

function conversations(): Locator {
  return page.getByRole('navigation', { name: 'Conversations' });
}

async function ask(question: string) {
  await composer().fill(question);
  await composer().press('Enter');
}

describe('the AI assistant page in the dev app', () => {
  it('opens from its sidebar item after guest sign-in', () =>
    journey('open', async () => {
      await page.goto(`${backend.baseUrl}/catalog`);
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();
      await page.getByRole('link', { name: 'AI Assistant' }).click();
      await page.waitForURL('**/ai-assistant');
      expect(
        await page
          .getByRole('link', { name: 'AI Assistant' })
          .getAttribute('aria-current'),
      ).toBe('page');
      await page
        .getByRole('heading', { name: 'AI Assistant', level: 1 })
        .waitFor();
      await composer().waitFor();
      await page.getByRole('group', { name: 'Example questions' }).waitFor();
      await page
        .getByRole('progressbar', { name: 'Loading conversations' })
        .waitFor({ state: 'detached' });
      await page.screenshot({ path: join(screenshotDir, 'empty-light.png') });
    }));

  it('streams an answer token by token, with a citation linking to the catalog', () =>
    journey('stream', async () => {
      ollama.scriptChat({ text: ANSWER, delayMsPerToken: 150 });
      ollama.scriptChat({ text: TITLE });
      await ask(QUESTION);

      const answer = lastAnswer();
      const firstWords = await waitFor(
        'the first tokens',
        async () => {
          const text = await textOf(answer.locator('p').first()).catch(
            () => '',
          );
          return text.startsWith('Refund') ? text : undefined;
        },
        { intervalMs: 50 },
      );
      const more = await waitFor(
        'more tokens',
        async () => {
          const text = await textOf(answer.locator('p').first());
          return text.length > firstWords.length ? text : undefined;
        },
        { intervalMs: 50 },
      );
      expect(firstWords.length).toBeLessThan(more.length);
      // Both reads were taken before the end of the answer: it arrived in pieces.
      expect(firstWords).not.toContain('second approval');

      await waitFor('the complete answer', async () =>
        (await textOf(answer)).includes('from the Payments Team.')
          ? true
          : undefined,
      );
      expect(await answer.locator('strong').innerText()).toBe('90 days');

      // [1] in the model's text became a link to the first source, an entity page.
      const citation = answer.getByRole('link', { name: /^Source 1: / });
      await citation.waitFor();
      expect(await citation.innerText()).toBe('[1]');
      expect(await citation.getAttribute('href')).toMatch(
        /^\/catalog\/default\//,
      );
      // The cited source is listed first; the others fold away until asked for.
      const sources = answer.getByRole('region', { name: 'Sources' });
      const sourceLinks = () =>
        sources
          .getByRole('link')
          .evaluateAll(links => links.map(link => link.getAttribute('href')));
      expect(await sourceLinks()).toEqual([
        await citation.getAttribute('href'),
      ]);
      await sources
        .getByRole('button', { name: /more sources? not cited/ })
        .click();
      expect(await sourceLinks()).toContain(
        '/catalog/default/component/payments-service',
      );

      // The model saw the retrieved catalog text it was asked to cite.
      const [request] = chatRequestsFor(ollama, QUESTION);
      expect(JSON.stringify(request.body.messages)).toContain(
        '90 days after capture',
      );

      // The conversation is listed, titled by the model in the background.
      await conversations().getByText(TITLE).waitFor();
      await page.screenshot({ path: join(screenshotDir, 'answer-light.png') });
    }));

  it('stops a second answer mid-stream and tells the model server', () =>
    journey('stop', async () => {
      ollama.scriptChat({ text: LONG_ANSWER, delayMsPerToken: 100 });
      await ask(SECOND_QUESTION);

      const answer = lastAnswer();
      await waitFor('the second answer to start streaming', async () =>
        (await textOf(answer)).includes('word3') ? true : undefined,
      );
      await page.getByRole('button', { name: 'Stop generating' }).click();

      await answer.getByText('Stopped: the answer is incomplete.').waitFor();
      const [request] = chatRequestsFor(ollama, SECOND_QUESTION);
      await waitFor('the model request to be aborted', async () =>
        request.aborted ? true : undefined,
      );
      expect(await textOf(answer)).not.toContain('word299');
      await composer().waitFor();
      await page.screenshot({ path: join(screenshotDir, 'stopped-light.png') });
    }));

  it('resumes the conversation from the list after a reload', () =>
    journey('resume', async () => {
      await page.reload();
      await conversations().getByText(TITLE).click();

      await page.getByText(SECOND_QUESTION).waitFor();
      await page.getByText(QUESTION).waitFor();
      const answers = page.getByRole('article', { name: "Assistant's answer" });
      await answers
        .first()
        .getByText('from the Payments Team.', { exact: false })
        .waitFor();
      // The stopped answer was stored as such, with the part that arrived before the stop.
      await answers
        .last()
        .getByText('Stopped: the answer is incomplete.')
        .waitFor();
      expect(await textOf(answers.last())).toContain('word3');
      await page.screenshot({ path: join(screenshotDir, 'resumed-light.png') });

      // The same page in the dark theme (the app's theme choice lives in local storage).
      await page.evaluate(() => localStorage.setItem('theme', 'dark'));
      await page.reload();
      await conversations().getByText(TITLE).click();
      await page.getByText(SECOND_QUESTION).waitFor();
      await page.screenshot({ path: join(screenshotDir, 'resumed-dark.png') });
      await page.evaluate(() => localStorage.removeItem('theme'));
      await page.reload();
      await conversations().getByText(TITLE).waitFor();
    }));

  it('renames and deletes the conversation', () =>
    journey('rename-delete', async () => {
      const headers = { authorization: `Bearer ${await backend.guestToken()}` };
      const listed = async () => {
        const res = await fetch(
          `${backend.baseUrl}/api/ai-assistant/conversations`,
          {
            headers,
          },
        );
        const body = await res.json();
        return body.conversations as Array<{ title: string }>;
      };

      await page
        .getByRole('button', { name: `Rename conversation ${TITLE}` })
        .click();
      const title = page.getByRole('textbox', { name: 'Conversation title' });
      await title.fill('Refund questions');
      await title.press('Enter');
      await conversations().getByText('Refund questions').waitFor();
      expect((await listed()).map(c => c.title)).toEqual(['Refund questions']);

      await page
        .getByRole('button', { name: 'Delete conversation Refund questions' })
        .click();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: 'Delete' })
        .click();
      await conversations()
        .getByText('Refund questions')
        .waitFor({ state: 'detached' });
      expect(await listed()).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, 'deleted-light.png') });
    }));

  it('shows an admin how the catalog was ingested', () =>
    journey('ingestion', async () => {
      await page.getByRole('tab', { name: 'Sources' }).click();
      const catalog = sourceCardOf(page, 'catalog');
      await catalog.waitFor();
      const facts = await sourceFactsOf(catalog);
      // The example entities but locations.
      expect(facts.State).toBe('succeeded');
      expect(Number(facts.Documents)).toBeGreaterThanOrEqual(18);
      expect(facts.Errors).toBe('none');
      await page.screenshot({
        path: join(screenshotDir, 'ingestion-light.png'),
      });
    }));
});
