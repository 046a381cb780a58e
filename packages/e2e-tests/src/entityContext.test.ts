import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  startOllamaTestServer,
  type OllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { launchChromium } from './harness/chromium';
import {
  repoRoot,
  startDevBackend,
  type DevBackend,
} from './harness/devBackend';
import { waitForFirstCatalogRun } from './harness/ingestion';
import { waitFor } from './harness/waitFor';

// "Ask about this entity" where work happens, in a real browser against the dev app and
// backend: the card on a catalog entity page opens the assistant with the entity as context,
// and the model is asked with that entity named and its own knowledge among the sources.

/** Where the screenshots of the page go (git-ignored); the last run's stay for review. */
const screenshotDir = join(__dirname, '..', 'e2e-screenshots');

const ENTITY_REF = 'component:default/payments-service';
const QUESTION = 'Who owns Payments Service?';
const ANSWER = 'Payments Service is owned by **team-payments** [1].';
// From the entity's description in examples/entities.yaml, as the catalog ingestor stores it.
const ENTITY_KNOWLEDGE = 'Refunds above 1,000 EUR need a second approval';
const ENTITY_NAMED = `The user is asking about the catalog entity ${ENTITY_REF}`;

jest.setTimeout(60_000);

let ollama: OllamaTestServer;
let backend: DevBackend;
let browser: Browser;
let page: Page;

// The app is not built here: build it first (see the README).
beforeAll(async () => {
  const dist = join(repoRoot, 'packages/app/dist/index.html');
  if (!existsSync(dist)) {
    throw new Error(
      `${dist} is missing: build the app first (yarn workspace app build), the backend serves it`,
    );
  }
  mkdirSync(screenshotDir, { recursive: true });
  ollama = await startOllamaTestServer({ models: ['llama3.2'] });
  backend = await startDevBackend({
    aiAssistant: {
      models: { ollama: { baseUrl: ollama.baseUrl, models: ['llama3.2'] } },
    },
  });
  await waitForFirstCatalogRun(backend);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  await ollama?.close();
});

/** Runs a test's steps; on failure saves a screenshot and adds the backend's last log lines. */
async function journey(name: string, steps: () => Promise<void>) {
  try {
    await steps();
  } catch (error) {
    await page
      ?.screenshot({ path: join(screenshotDir, `failed-entity-${name}.png`) })
      .catch(() => undefined);
    const log = backend?.logTail() ?? '';
    throw new Error(`${error}\n--- backend log (last lines) ---\n${log}`);
  }
}

const screenshot = (name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`) });

function composer(): Locator {
  return page.getByRole('textbox', { name: 'Message to the AI assistant' });
}

function answers(): Locator {
  return page.getByRole('article', { name: "Assistant's answer" });
}

/** The system prompt of the model request that asked `question` (not a title request). */
function systemPromptFor(question: string): string | undefined {
  const request = ollama.requests.find(
    r =>
      r.path === '/api/chat' && r.body?.messages?.at(-1)?.content === question,
  );
  const system = request?.body?.messages?.find(
    (m: { role: string }) => m.role === 'system',
  );
  return system?.content;
}

describe('asking about an entity from its catalog page', () => {
  it('opens the assistant from the card and answers with that entity named and its knowledge in the prompt', () =>
    journey('card', async () => {
      await page.goto(
        `${backend.baseUrl}/catalog/default/component/payments-service`,
      );
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();
      const ask = page.getByRole('button', { name: QUESTION });
      await ask.waitFor();
      await ask.scrollIntoViewIfNeeded();
      await screenshot('entity-card');

      ollama.scriptChat({ text: ANSWER });
      await ask.click();

      await page.waitForURL(/\/ai-assistant/);
      await page.getByText('About payments-service').waitFor();
      await waitFor('the answer about the entity', async () =>
        (await answers().last().innerText()).includes('team-payments')
          ? true
          : undefined,
      );
      const prompt = await waitFor('the model request', async () =>
        systemPromptFor(QUESTION),
      );
      expect(prompt).toContain(ENTITY_NAMED);
      expect(prompt).toContain(ENTITY_KNOWLEDGE);
      // The entity's own knowledge is the first source.
      const firstSource = prompt.indexOf('<source n="1"');
      expect(firstSource).toBeGreaterThan(-1);
      expect(prompt.slice(firstSource).split('\n')[0]).toMatch(/payments/i);
      // The question left the URL: a reload does not ask it again.
      expect(new URL(page.url()).searchParams.get('q')).toBeNull();
      await screenshot('entity-answer');
    }));

  it('keeps the entity for a follow-up question, until the user clears it', () =>
    journey('follow-up', async () => {
      const followUp = 'Which API does it provide?';
      ollama.scriptChat({ text: 'It provides payments-api.' });
      await composer().fill(followUp);
      await composer().press('Enter');
      const prompt = await waitFor('the follow-up request', async () =>
        systemPromptFor(followUp),
      );
      expect(prompt).toContain(ENTITY_NAMED);
      await waitFor('the follow-up answer', async () =>
        (await answers().last().innerText()).includes('payments-api')
          ? true
          : undefined,
      );

      await page
        .getByRole('button', { name: 'Stop asking about payments-service' })
        .click();
      await page
        .getByText('About payments-service')
        .waitFor({ state: 'detached' });
      const general = 'Who is on call this week?';
      await composer().fill(general);
      await composer().press('Enter');
      const generalPrompt = await waitFor('the general request', async () =>
        systemPromptFor(general),
      );
      expect(generalPrompt).not.toContain(ENTITY_NAMED);
      await screenshot('entity-cleared');
    }));
});
