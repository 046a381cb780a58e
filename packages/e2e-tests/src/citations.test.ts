import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium';
import {
  repoRoot,
  startDevBackend,
  type DevBackend,
} from './harness/devBackend';
import { screenshotDir } from './harness/session';
import { waitFor } from './harness/waitFor';

// A citation of a catalog entity links to its entity page in the app. In the dev app every
// kind of the example catalog must open a working page, not a crash (the About card needs the
// SCM integrations API, for one).

jest.setTimeout(60_000);

let backend: DevBackend;
let browser: Browser;
let page: Page;
let entities: Array<{ kind: string; namespace: string; name: string }>;

beforeAll(async () => {
  const dist = join(repoRoot, 'packages/app/dist/index.html');
  if (!existsSync(dist)) {
    throw new Error(`${dist} is missing: build the app first`);
  }
  mkdirSync(screenshotDir, { recursive: true });
  backend = await startDevBackend({});
  const headers = { authorization: `Bearer ${await backend.guestToken()}` };
  // One entity of each kind of examples/, as the catalog ingestor cites them.
  entities = await waitFor(
    'the example catalog to be loaded',
    async () => {
      const res = await fetch(
        `${backend.baseUrl}/api/catalog/entities?fields=kind,metadata.name,metadata.namespace`,
        { headers },
      );
      const all: Array<{
        kind: string;
        metadata: { name: string; namespace?: string };
      }> = await res.json();
      const byKind = new Map<string, (typeof all)[number]>();
      for (const entity of all) {
        if (entity.kind !== 'Location' && !byKind.has(entity.kind)) {
          byKind.set(entity.kind, entity);
        }
      }
      return byKind.size >= 7
        ? [...byKind.values()].map(entity => ({
            kind: entity.kind.toLocaleLowerCase('en-US'),
            namespace: entity.metadata.namespace ?? 'default',
            name: entity.metadata.name,
          }))
        : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${backend.baseUrl}/catalog`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'AI Assistant' }).waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
});

describe('entity pages that citations open', () => {
  it('open for every kind of the example catalog without an error', async () => {
    const failures: string[] = [];
    for (const { kind, namespace, name } of entities) {
      const errors: string[] = [];
      const onError = (error: Error) => errors.push(error.message);
      page.on('pageerror', onError);
      await page.goto(
        `${backend.baseUrl}/catalog/${namespace}/${kind}/${name}`,
      );
      await page.getByRole('tab', { name: 'Overview' }).waitFor();
      await page.getByRole('heading', { level: 1 }).waitFor();
      // The cards have fetched what they show (a card that crashes shows the error instead).
      await page.waitForLoadState('networkidle');
      const crash = page.getByText(
        /NotImplementedError|No implementation available|Error:/,
      );
      const crashed = await crash.count();
      page.off('pageerror', onError);
      await page.screenshot({
        path: join(screenshotDir, `citation-${kind}.png`),
      });
      if (crashed || errors.length) {
        failures.push(`${kind} ${name}: ${errors.join('; ') || 'error shown'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(entities.map(e => e.kind).sort()).toEqual([
      'api',
      'component',
      'domain',
      'group',
      'resource',
      'system',
      'user',
    ]);
  });
});
