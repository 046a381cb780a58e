import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { OllamaTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { DevBackend } from './harness/devBackend';
import {
  screenshotDir,
  startStack,
  stepRunner,
  stopStack,
} from './harness/session';
import { waitFor } from './harness/waitFor';

// The conversation history of a user with more conversations than one page holds, in a real
// browser against the dev app and backend: search, date headings, loading older conversations,
// the full title of a cut title, and a keyboard focus that differs from the open conversation.
// The conversations are made through the API first; the tests run in order on one page.

/** Made first, so it is the oldest and not on the first page of the list. */
const OLDEST = 'Kubernetes upgrade plan';
const FILLERS = Array.from(
  { length: 32 },
  (_, n) => `Filler topic ${String(n + 1).padStart(2, '0')}`,
);
const KUBERNETES = 'Kubernetes cost review';
/** Long enough to be cut in the sidebar. */
const LONG =
  'Payments refund runbook: who approves refunds above 1,000 EUR and how long the second approval takes';
/** Oldest first, in the order they become active. */
const TITLES = [OLDEST, ...FILLERS, KUBERNETES, LONG];
/** The page's page size (useConversations). */
const PAGE_SIZE = 30;

// Each step waits for what the user would see; this bounds the wait when something is wrong.
jest.setTimeout(60_000);

let ollama: OllamaTestServer;
let backend: DevBackend;
let browser: Browser;
let page: Page;

// The app is not built here: build it first (see the README).
beforeAll(async () => {
  ({ ollama, backend, browser } = await startStack({
    aiAssistant: {
      // The setup asks 35 questions at once, more than a user's default minute allows.
      chat: { rateLimit: { requests: 1000 } },
    },
    waitForCatalog: false,
  }));
  await createConversations(TITLES);
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
}, 300_000);

afterAll(() => stopStack({ ollama, backend, browser }));

/**
 * Starts one conversation per title through the API (a question each, answered by the model
 * server), then renames them in order, which makes the last title the most recently active.
 */
async function createConversations(titles: string[]) {
  const api = `${backend.baseUrl}/api/ai-assistant`;
  const headers = {
    authorization: `Bearer ${await backend.guestToken()}`,
    'content-type': 'application/json',
  };
  const ask = async (question: string) => {
    const res = await fetch(`${api}/chat`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ message: question }),
    });
    // The whole stream: the answer is stored once it ends.
    const stream = await res.text();
    const id = /"conversationId":"([^"]+)"/.exec(stream)?.[1];
    if (!res.ok || !id) {
      throw new Error(`POST /chat: HTTP ${res.status} ${stream.slice(0, 300)}`);
    }
    return id;
  };
  const ids: string[] = [];
  // A few at a time: the machine running this is small and shared.
  for (let i = 0; i < titles.length; i += 5) {
    ids.push(
      ...(await Promise.all(
        titles.slice(i, i + 5).map(title => ask(`Question about ${title}`)),
      )),
    );
  }
  for (const [i, id] of ids.entries()) {
    const res = await fetch(`${api}/conversations/${id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ title: titles[i] }),
    });
    if (!res.ok) {
      throw new Error(`PATCH: HTTP ${res.status} ${await res.text()}`);
    }
  }
}

const journey = stepRunner('history-', () => ({ page, backend }));

function conversations(): Locator {
  return page.getByRole('navigation', { name: 'Conversations' });
}

function searchBox(): Locator {
  return conversations().getByRole('searchbox', {
    name: 'Search conversations',
  });
}

/** A conversation's row (the button that opens it), by the start of its title. */
function row(title: string): Locator {
  return conversations().getByRole('button', {
    name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  });
}

/** The titles of the rows the list shows, in order (read from each row's rename button). */
async function shownTitles(): Promise<string[]> {
  const prefix = 'Rename conversation ';
  const labels = await conversations()
    .getByRole('button', { name: new RegExp(`^${prefix}`) })
    .evaluateAll(buttons =>
      buttons.map(button => button.getAttribute('aria-label') ?? ''),
    );
  return labels.map(label => label.slice(prefix.length));
}

/** Waits until the list shows exactly `count` rows. */
async function expectRows(count: number) {
  let shown = 0;
  await waitFor(`${count} conversations in the list`, async () => {
    shown = (await shownTitles()).length;
    return shown === count ? true : undefined;
  }).catch(error => {
    throw new Error(`${error}; the list showed ${shown}`);
  });
}

describe('the conversation history in the dev app', () => {
  it('lists the newest page of conversations under a date heading', () =>
    journey('list', async () => {
      await page.goto(`${backend.baseUrl}/catalog`);
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();
      await page.getByRole('link', { name: 'AI Assistant' }).click();
      await page.waitForURL('**/ai-assistant');
      await row(LONG).waitFor();
      await expectRows(PAGE_SIZE);

      const titles = await shownTitles();
      expect(titles.slice(0, 3)).toEqual([LONG, KUBERNETES, 'Filler topic 32']);
      expect(titles).not.toContain(OLDEST);
      // Everything was active just now.
      expect(
        await conversations().getByRole('heading').allTextContents(),
      ).toEqual(['Today']);
      await conversations()
        .getByRole('region', { name: /^today$/i })
        .getByRole('button', { name: new RegExp(`^${KUBERNETES}`) })
        .waitFor();
      await page.screenshot({ path: join(screenshotDir, 'history-list.png') });
    }));

  it('searches titles on the server, also finding conversations not loaded yet', () =>
    journey('search', async () => {
      await searchBox().fill('kubernetes');
      await row(OLDEST).waitFor();
      await expectRows(2);
      expect(await shownTitles()).toEqual([KUBERNETES, OLDEST]);
      await page.screenshot({
        path: join(screenshotDir, 'history-search.png'),
      });

      await searchBox().fill('no such topic');
      await conversations()
        .getByText('No conversation titles contain "no such topic".')
        .waitFor();

      await searchBox().fill('');
      await expectRows(PAGE_SIZE);
    }));

  it('loads older conversations past the first page', () =>
    journey('older', async () => {
      const loadOlder = conversations().getByRole('button', {
        name: 'Load older conversations',
      });
      await loadOlder.scrollIntoViewIfNeeded();
      await loadOlder.click();
      await expectRows(TITLES.length);
      const titles = await shownTitles();
      // Each once, newest first, down to the oldest.
      expect(titles).toEqual([...TITLES].reverse());
      await loadOlder.waitFor({ state: 'detached' });
      await row(OLDEST).scrollIntoViewIfNeeded();
      await page.screenshot({
        path: join(screenshotDir, 'history-older.png'),
      });
    }));

  it('shows the full title of a cut one on keyboard focus, with a focus unlike the open row', () =>
    journey('focus', async () => {
      // Open the second conversation, then move to the first with the keyboard.
      await row(KUBERNETES).click();
      await page.waitForURL(/conversation=/);
      // The mouse leaves, and with it the tooltip it opened over the clicked row.
      await page.mouse.move(1000, 800);
      await waitFor('the tooltips of hovered rows to close', async () =>
        (await page.getByRole('tooltip').count()) === 0 ? true : undefined,
      );
      await searchBox().focus();
      await page.keyboard.press('Tab');
      const focused = row(LONG);
      await expect(
        focused.evaluate(el => el === document.activeElement),
      ).resolves.toBe(true);

      // The title is cut in the row; the tooltip shows all of it.
      expect(
        await focused
          .getByText(LONG, { exact: true })
          .evaluate(el => el.scrollWidth > el.clientWidth),
      ).toBe(true);
      const tooltip = page.getByRole('tooltip');
      await tooltip.waitFor();
      expect(await tooltip.count()).toBe(1);
      expect(await tooltip.innerText()).toBe(LONG);

      const looks = (locator: Locator) =>
        locator.evaluate(el => {
          const style = getComputedStyle(el);
          return {
            outline: style.outlineStyle,
            boxShadow: style.boxShadow,
            current: el.getAttribute('aria-current'),
          };
        });
      const focusedLooks = await looks(focused);
      const openLooks = await looks(row(KUBERNETES));
      expect(focusedLooks).toMatchObject({ outline: 'solid', current: null });
      expect(openLooks).toMatchObject({ outline: 'none', current: 'true' });
      expect(openLooks.boxShadow).toContain('inset');
      expect(focusedLooks.boxShadow).toBe('none');
      await page.screenshot({
        path: join(screenshotDir, 'history-focus.png'),
      });
    }));
  it("names the period by the viewer's calendar: three days later, the same list is under Previous 7 days", () =>
    journey('later', async () => {
      // Only the browser's clock moves (timers keep running); the backend's stays put.
      await page.clock.setFixedTime(Date.now() + 3 * 24 * 60 * 60 * 1000);
      await page.reload();
      await row(LONG).waitFor();
      expect(
        await conversations().getByRole('heading').allTextContents(),
      ).toEqual(['Previous 7 days']);
      await page.screenshot({
        path: join(screenshotDir, 'history-later.png'),
      });
    }));
});
