import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  startOllamaTestServer,
  type OllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { launchChromium } from './chromium';
import { repoRoot, startDevBackend, type DevBackend } from './devBackend';
import { waitForFirstCatalogRun } from './ingestion';

/** Where the screenshots of the pages go (git-ignored); the last run's stay for review. */
// eslint-disable-next-line no-restricted-syntax -- test code, run from source, never bundled
export const screenshotDir = join(__dirname, '..', '..', 'e2e-screenshots');

/** What a browser test runs against: the loopback model, the dev backend, Chromium. */
export interface E2eStack {
  ollama: OllamaTestServer;
  backend: DevBackend;
  browser: Browser;
}

/**
 * Starts a loopback model server that speaks Ollama's API and has `llama3.2`, the dev backend
 * serving the built app with that model (plus `aiAssistant` settings of the test), and
 * Chromium; by default waits for the first catalog ingestion run, which also loads the
 * embeddings model that the first question would otherwise wait for. The app is not built
 * here: build it first (see the README).
 */
export async function startStack(
  options: {
    aiAssistant?: Record<string, unknown>;
    /** Other config of the test, at the top level (e.g. `backend.actions`). */
    config?: Record<string, unknown>;
    waitForCatalog?: boolean;
  } = {},
): Promise<E2eStack> {
  const dist = join(repoRoot, 'packages/app/dist/index.html');
  if (!existsSync(dist)) {
    throw new Error(
      `${dist} is missing: build the app first (yarn workspace app build), the backend serves it`,
    );
  }
  mkdirSync(screenshotDir, { recursive: true });
  const ollama = await startOllamaTestServer({ models: ['llama3.2'] });
  const backend = await startDevBackend({
    ...options.config,
    aiAssistant: {
      models: { ollama: { baseUrl: ollama.baseUrl, models: ['llama3.2'] } },
      ...options.aiAssistant,
    },
  });
  if (options.waitForCatalog ?? true) {
    await waitForFirstCatalogRun(backend);
  }
  return { ollama, backend, browser: await launchChromium() };
}

/** Stops what {@link startStack} started, whatever of it did start. */
export async function stopStack(stack: Partial<E2eStack>): Promise<void> {
  await stack.browser?.close();
  await stack.backend?.stop();
  await stack.ollama?.close();
}

/**
 * Makes the step runner of a test file: it runs a test's steps and, when they fail, saves a
 * screenshot `failed-<prefix><name>.png` and adds the backend's last log lines to the error.
 */
export function stepRunner(
  prefix: string,
  current: () => { page?: Page; backend?: DevBackend },
) {
  return async (name: string, steps: () => Promise<void>): Promise<void> => {
    try {
      await steps();
    } catch (error) {
      const { page, backend } = current();
      await page
        ?.screenshot({
          path: join(screenshotDir, `failed-${prefix}${name}.png`),
        })
        .catch(() => undefined);
      const log = backend?.logTail() ?? '';
      throw new Error(`${error}\n--- backend log (last lines) ---\n${log}`);
    }
  };
}

/** The chat page's message box. */
export function composerOf(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message to the AI assistant' });
}

/** The assistant's answers on the chat page, oldest first. */
export function answersOf(page: Page): Locator {
  return page.getByRole('article', { name: "Assistant's answer" });
}

/** The chat requests the model server got whose question holds `question` (not title requests). */
export function chatRequestsFor(ollama: OllamaTestServer, question: string) {
  return ollama.requests.filter(
    r =>
      r.path === '/api/chat' &&
      JSON.stringify(r.body?.messages?.at(-1)?.content ?? '').includes(
        question,
      ),
  );
}

/** An element's visible text, trimmed. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).trim();
}

/** A source's card in the cockpit's Sources view. */
export function sourceCardOf(page: Page, sourceId: string): Locator {
  return page.getByRole('region', { name: sourceId, exact: true });
}

/** The facts a source's card lists, as term → description text. */
export async function sourceFactsOf(
  card: Locator,
): Promise<Record<string, string>> {
  const terms = await card.locator('dl > dt').allInnerTexts();
  const descriptions = await card.locator('dl > dd').allInnerTexts();
  return Object.fromEntries(
    terms.map((term, i) => [term.trim(), (descriptions[i] ?? '').trim()]),
  );
}
