import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  answersOf,
  composerOf,
  screenshotDir,
  startStack,
  stepRunner,
  stopStack,
  type E2eStack,
} from './harness/session';
import { waitFor } from './harness/waitFor';

// "Ask about this entity" where work happens, in a real browser against the dev app and
// backend: the card on a catalog entity page opens the assistant with the entity as context,
// and the model is asked with that entity named and its own knowledge among the sources.

const ENTITY_REF = 'component:default/payments-service';
const QUESTION = 'Who owns Payments Service?';
const ANSWER = 'Payments Service is owned by **team-payments** [1].';
// From the entity's description in examples/entities.yaml, as the catalog ingestor stores it.
const ENTITY_KNOWLEDGE = 'Refunds above 1,000 EUR need a second approval';
const ENTITY_NAMED = `The user is asking about the catalog entity ${ENTITY_REF}`;

jest.setTimeout(60_000);

let stack: E2eStack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.browser.newPage({
    viewport: { width: 1440, height: 900 },
  });
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(() => stopStack(stack ?? {}));

const journey = stepRunner('entity-', () => ({
  page,
  backend: stack?.backend,
}));

const screenshot = (name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`) });

const composer = (): Locator => composerOf(page);
const answers = (): Locator => answersOf(page);

/** The system prompt of the model request that asked `question` (not a title request). */
function systemPromptFor(question: string): string | undefined {
  const request = stack.ollama.requests.find(
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
        `${stack.backend.baseUrl}/catalog/default/component/payments-service`,
      );
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();
      const ask = page.getByRole('button', { name: QUESTION });
      await ask.waitFor();
      await ask.scrollIntoViewIfNeeded();
      await screenshot('entity-card');

      stack.ollama.scriptChat({ text: ANSWER });
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
      stack.ollama.scriptChat({ text: 'It provides payments-api.' });
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
