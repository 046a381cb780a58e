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
  textOf,
  chatRequestsFor,
} from './harness/session';
import { waitFor } from './harness/waitFor';

// Recovering from a failed answer and reusing what was said, in a real browser against the dev
// app and backend: retry after the model server failed, copy an answer to the clipboard, edit a
// question and send it again. The tests run in order on one page and one conversation.

const QUESTION = 'How do I rotate the payments API key?';
const ANSWER =
  'Rotate it with the `payments-cli`:\n\n' +
  '```sh\npayments-cli keys rotate --service payments\n```\n\n' +
  'The old key keeps working for **24 hours**.';
const EDITED_QUESTION = 'How do I rotate the payments API key in staging?';
const EDITED_ANSWER = 'In staging, add `--env staging` to the same command.';

// Each step waits for what the user would see; this bounds the wait when something is wrong.
jest.setTimeout(60_000);

let stack: E2eStack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  const context = await stack.browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  // So the test can read back what the page copied.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: stack.backend.baseUrl,
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(() => stopStack(stack ?? {}));

const journey = stepRunner('recovery-', () => ({
  page,
  backend: stack?.backend,
}));

const screenshot = (name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`) });

const composer = (): Locator => composerOf(page);
const answers = (): Locator => answersOf(page);

describe('recovering from failures and reusing answers on the chat page', () => {
  it('retries an answer the model failed, with the same question', () =>
    journey('retry', async () => {
      await page.goto(`${stack.backend.baseUrl}/ai-assistant`);
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();
      await composer().waitFor();

      // The model runner crashes before its first word, then answers the retry.
      stack.ollama.scriptChat({ error: 'model runner crashed' });
      stack.ollama.scriptChat({ text: ANSWER });
      await composer().fill(QUESTION);
      await composer().press('Enter');

      const failed = answers().last();
      await failed.getByRole('alert').waitFor();
      expect(await textOf(failed.getByRole('alert'))).not.toMatch(
        /aiAssistant\.|https?:\/\//,
      );
      const retry = failed.getByRole('button', { name: 'Retry' });
      await retry.waitFor();
      // Nothing of the answer was written, so the question is back in the composer too.
      expect(await composer().inputValue()).toBe(QUESTION);
      await screenshot('recovery-failed');

      await composer().fill('');
      await retry.click();
      await waitFor('the retried answer to be complete', async () =>
        (await textOf(answers().last())).includes('24 hours')
          ? true
          : undefined,
      );
      expect(await answers().count()).toBe(2);
      // The model was asked the same question twice: the user retyped nothing.
      await waitFor('both model requests to be recorded', async () =>
        chatRequestsFor(stack.ollama, QUESTION).length === 2 ? true : undefined,
      );
      const regenerate = answers()
        .last()
        .getByRole('button', { name: 'Regenerate' });
      await regenerate.waitFor();
      await regenerate.scrollIntoViewIfNeeded();
      await screenshot('recovery-retried');
    }));

  it('copies the whole answer as markdown, and its code block', () =>
    journey('copy', async () => {
      const answer = answers().last();
      await answer.getByRole('button', { name: 'Copy answer' }).click();
      await answer.getByText('Copied', { exact: true }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
        ANSWER,
      );
      await screenshot('recovery-copied-answer');

      await answer.getByRole('button', { name: 'Copy code' }).click();
      await waitFor('the code block on the clipboard', async () =>
        (await page.evaluate(() => navigator.clipboard.readText())) ===
        'payments-cli keys rotate --service payments'
          ? true
          : undefined,
      );
      await screenshot('recovery-copied-code');
    }));

  it('edits a question and sends it again', () =>
    journey('edit', async () => {
      await page.getByRole('button', { name: 'Edit question' }).first().click();
      expect(await composer().inputValue()).toBe(QUESTION);
      expect(
        await composer().evaluate(
          element => element === document.activeElement,
        ),
      ).toBe(true);
      await composer().fill(EDITED_QUESTION);
      await screenshot('recovery-editing');

      stack.ollama.scriptChat({ text: EDITED_ANSWER });
      await composer().press('Enter');
      await waitFor('the answer to the edited question', async () =>
        (await textOf(answers().last())).includes('--env staging')
          ? true
          : undefined,
      );
      expect(chatRequestsFor(stack.ollama, EDITED_QUESTION)).toHaveLength(1);
      expect(await composer().inputValue()).toBe('');
      const log = page.getByRole('log', { name: 'Conversation' });
      await log.getByText(EDITED_QUESTION).waitFor();
      // The page scrolled up to the question being edited; show the new exchange.
      await log.getByText(EDITED_QUESTION).scrollIntoViewIfNeeded();
      await screenshot('recovery-edited');
    }));
});
