import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { OllamaTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { DevBackend } from './harness/devBackend';
import {
  screenshotDir,
  startStack,
  stepRunner,
  stopStack,
  textOf,
  sourceCardOf,
} from './harness/session';
import { expectNoSeriousViolations } from './harness/axe';
import { waitFor } from './harness/waitFor';

// The chat page for keyboard users, on a phone, and under axe-core's accessibility rules, in
// a real browser against the dev app and backend. The tests run in order and share one
// backend: the phone opens the conversation the keyboard test started.

const QUESTION = 'How do I refund a payment?';
const ANSWER =
  'Refund a captured payment with POST /payments/{paymentId}/refunds on the Payments API. ' +
  'It works for **90 days** after capture.';
const TITLE = 'Refunding a payment';
const SECOND_QUESTION = 'And who approves large refunds?';
// Long and slow, so there is time to press Escape while it streams.
const LONG_ANSWER = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');

/** An iPhone 12 to 15's viewport in CSS pixels. */
const PHONE = { width: 390, height: 844 };

jest.setTimeout(60_000);

let ollama: OllamaTestServer;
let backend: DevBackend;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ ollama, backend, browser } = await startStack());
}, 180_000);

afterAll(() => stopStack({ ollama, backend, browser }));

const step = stepRunner('a11y-', () => ({ page, backend }));

/** A fresh browser context of that size, signed in as the guest, on the assistant page. */
async function openAssistant(viewport: { width: number; height: number }) {
  await context?.close();
  // The app's Content Security Policy forbids inline scripts, which is how Playwright adds
  // axe-core to the page; bypassing it is only for this test's own script.
  context = await browser.newContext({ viewport, bypassCSP: true });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${backend.baseUrl}/catalog`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('button', { name: 'Enter' })
    .waitFor({ state: 'detached' });
  // A load of the page itself, as when a user follows a link to it.
  await page.goto(`${backend.baseUrl}/ai-assistant`);
  await composer().waitFor();
}

function composer(): Locator {
  return page.getByRole('textbox', { name: 'Message to the AI assistant' });
}

function lastAnswer(): Locator {
  return page.getByRole('article', { name: "Assistant's answer" }).last();
}

/** The accessible name of the element holding the keyboard focus. */
function focused(): Promise<string | null> {
  return page.evaluate(() => {
    const element = document.activeElement;
    return (
      element?.getAttribute('aria-label') ??
      element?.outerHTML.slice(0, 200) ??
      null
    );
  });
}

async function waitForComposerFocus() {
  let last: string | null = null;
  await waitFor('the focus to be in the composer', async () => {
    last = await focused();
    return last === 'Message to the AI assistant' ? true : undefined;
  }).catch(error => {
    throw new Error(`${error}; the focus is on ${last}`);
  });
}

describe('the AI assistant page for keyboard and screen reader users', () => {
  it('has the focus in the composer on load and no serious axe violation when empty', () =>
    step('empty', async () => {
      await openAssistant({ width: 1440, height: 900 });
      await page.getByRole('group', { name: 'Example questions' }).waitFor();
      await page
        .getByRole('progressbar', { name: 'Loading conversations' })
        .waitFor({ state: 'detached' });
      await waitForComposerFocus();
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: join(screenshotDir, 'a11y-empty.png') });
    }));

  it('sends with the keyboard alone, and the answer has no serious axe violation', () =>
    step('answer', async () => {
      ollama.scriptChat({ text: ANSWER, delayMsPerToken: 20 });
      ollama.scriptChat({ text: TITLE });
      // Typed where the focus already is: no click.
      await page.keyboard.type(QUESTION);
      await page.keyboard.press('Enter');
      await waitFor('the complete answer', async () =>
        (await textOf(lastAnswer())).includes('after capture.')
          ? true
          : undefined,
      );
      await page.getByRole('button', { name: 'Send message' }).waitFor();
      await waitForComposerFocus();
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: join(screenshotDir, 'a11y-answer.png') });
    }));

  it('stops a streaming answer on Escape and tells the model server', () =>
    step('escape', async () => {
      ollama.scriptChat({ text: LONG_ANSWER, delayMsPerToken: 100 });
      await page.keyboard.type(SECOND_QUESTION);
      await page.keyboard.press('Enter');
      await waitFor('the second answer to start streaming', async () =>
        (await textOf(lastAnswer())).includes('word3') ? true : undefined,
      );
      await page.keyboard.press('Escape');
      await lastAnswer()
        .getByText('Stopped: the answer is incomplete.')
        .waitFor();
      const request = ollama.requests.find(
        r =>
          r.path === '/api/chat' &&
          JSON.stringify(r.body?.messages?.at(-1)?.content ?? '').includes(
            SECOND_QUESTION,
          ),
      );
      await waitFor('the model request to be aborted', async () =>
        request?.aborted ? true : undefined,
      );
      expect(await textOf(lastAnswer())).not.toContain('word299');
      await waitForComposerFocus();
      await page.screenshot({ path: join(screenshotDir, 'a11y-stopped.png') });
    }));

  it('has no serious axe violation in the Sources view, light or dark', () =>
    step('ingestion', async () => {
      await page.getByRole('tab', { name: 'Sources' }).click();
      await sourceCardOf(page, 'catalog').waitFor();
      await expectNoSeriousViolations(page);
      await page.screenshot({
        path: join(screenshotDir, 'a11y-ingestion-light.png'),
      });

      // The app's theme choice lives in local storage.
      await page.evaluate(() => localStorage.setItem('theme', 'dark'));
      await page.reload();
      await page.getByRole('tab', { name: 'Sources' }).click();
      await sourceCardOf(page, 'catalog').waitFor();
      await expectNoSeriousViolations(page);
      await page.screenshot({
        path: join(screenshotDir, 'a11y-ingestion-dark.png'),
      });
      await page.evaluate(() => localStorage.removeItem('theme'));
    }));

  it('on a 390 px phone shows the composer on the first screen and the history in a drawer', () =>
    step('phone', async () => {
      await openAssistant(PHONE);
      await waitForComposerFocus();
      // On the first screen, and not under anything (such as the app's bottom navigation).
      const box = await composer().evaluate(input => {
        const { top, bottom } = input.getBoundingClientRect();
        return { top, bottom };
      });
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.bottom).toBeLessThanOrEqual(PHONE.height);
      expect(
        await composer().evaluate(input => {
          const { x, y, width, height } = input.getBoundingClientRect();
          const top = document.elementFromPoint(x + width / 2, y + height / 2);
          return top === input || input.contains(top);
        }),
      ).toBe(true);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await page.screenshot({ path: join(screenshotDir, 'a11y-phone.png') });

      const history = page.getByRole('navigation', { name: 'Conversations' });
      expect(await history.isVisible()).toBe(false);
      await page.getByRole('button', { name: 'Conversations' }).click();
      await history.getByText(TITLE).waitFor();
      // The drawer has slid all the way in.
      await waitFor('the drawer to open', async () =>
        ((await history.boundingBox())?.x ?? -1) >= 0 ? true : undefined,
      );
      await page.screenshot({
        path: join(screenshotDir, 'a11y-phone-drawer.png'),
      });
      await page.keyboard.press('Escape');
      await history.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'Conversations' }).click();
      await history.getByText(TITLE).click();
      await history.waitFor({ state: 'hidden' });
      await page.getByText(SECOND_QUESTION).waitFor();
      await waitForComposerFocus();
      await page.screenshot({
        path: join(screenshotDir, 'a11y-phone-conversation.png'),
      });
    }));
});
