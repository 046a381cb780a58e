import type { IngestionStatusResponse } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionApi } from '@backstage/plugin-permission-react';
import { http, HttpResponse } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import { FakeBackend, setupFakeBackend } from '../../__testUtils__/fakeBackend';
import { AiAssistantContent } from './AiAssistantContent';

const server = setupFakeBackend();

const STATUS: IngestionStatusResponse = {
  ingestors: [
    {
      id: 'catalog',
      documents: 42,
      chunks: 180,
      lastRun: {
        id: '1',
        ingestor: 'catalog',
        state: 'succeeded',
        startedAt: '2026-11-24T10:00:00.000Z',
        finishedAt: '2026-11-24T10:00:12.000Z',
        documents: 42,
        documentsUnchanged: 40,
        documentsPruned: 1,
        chunksEmbedded: 9,
        chunksSkipped: 171,
        chunksPruned: 3,
      },
    },
    {
      id: 'github',
      documents: 0,
      chunks: 0,
      lastRun: {
        id: '2',
        ingestor: 'github',
        state: 'failed',
        startedAt: '2026-11-24T10:00:00.000Z',
        finishedAt: '2026-11-24T10:00:01.000Z',
        documents: 0,
        documentsUnchanged: 0,
        documentsPruned: 0,
        chunksEmbedded: 0,
        chunksSkipped: 0,
        chunksPruned: 0,
        error: 'GitHub answered 401: check integrations.github',
      },
    },
    { id: 'techdocs', documents: 0, chunks: 0 },
  ],
};

// The weight of a selector made of classes, attributes and pseudo-classes, as these are.
const weight = (selector: string) => selector.match(/[.:[]/g)?.length ?? 0;

/**
 * The background a pointer over `element` gives it: of the `:hover` rules that apply, the
 * heaviest, the last of equal weight. jsdom has no pointer, so the style sheets are read.
 */
function hoverBackground(element: Element): string | undefined {
  let winner: { weight: number; background: string } | undefined;
  for (const sheet of Array.from(document.styleSheets)) {
    for (const rule of Array.from(sheet.cssRules)) {
      const background =
        rule instanceof CSSStyleRule &&
        (rule.style.backgroundColor || rule.style.background);
      if (!background) {
        continue;
      }
      for (const selector of (rule as CSSStyleRule).selectorText.split(',')) {
        if (
          selector.includes(':hover') &&
          element.matches(selector.replace(/:hover/g, '')) &&
          weight(selector) >= (winner?.weight ?? 0)
        ) {
          winner = { weight: weight(selector), background };
        }
      }
    }
  }
  return winner?.background;
}

let runs: number;
beforeEach(() => {
  runs = 0;
  server.use(
    ...new FakeBackend().handlers,
    http.get(`${BASE_URL}/ingestion`, () => HttpResponse.json(STATUS)),
    http.post(`${BASE_URL}/ingestion/run`, () => {
      runs++;
      return HttpResponse.json({ status: 'started' }, { status: 202 });
    }),
  );
});

describe('AiAssistantContent', () => {
  it('shows no ingestion view to users without the admin permission', async () => {
    await renderInTestApp(
      <TestApis admin={false}>
        <AiAssistantContent />
      </TestApis>,
    );
    expect(
      await screen.findByRole('textbox', {
        name: 'Message to the AI assistant',
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'Sources' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Run now')).not.toBeInTheDocument();
  });

  it('keeps what an admin typed when the permission answer arrives and the tabs appear', async () => {
    let answer!: () => void;
    const answered = new Promise<void>(resolve => {
      answer = resolve;
    });
    const permissionApi = {
      authorize: async () => {
        await answered;
        return { result: AuthorizeResult.ALLOW };
      },
    } as unknown as PermissionApi;
    await renderInTestApp(
      <TestApis permissionApi={permissionApi}>
        <AiAssistantContent />
      </TestApis>,
    );
    const box = await screen.findByRole('textbox', {
      name: 'Message to the AI assistant',
    });
    await userEvent.type(box, 'How do we deploy');

    answer();

    expect(
      await screen.findByRole('tab', { name: 'Sources' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
    ).toHaveValue('How do we deploy');
  });

  it('shows admins each ingestor with its last run and errors, and runs ingestion now', async () => {
    await renderInTestApp(
      <TestApis admin>
        <AiAssistantContent />
      </TestApis>,
    );
    await userEvent.click(await screen.findByRole('tab', { name: 'Sources' }));
    const table = await screen.findByRole('table', { name: 'Ingestors' });
    const rows = within(table).getAllByRole('row');
    const cells = rows.map(row =>
      Array.from(row.querySelectorAll('th, td'), cell => cell.textContent),
    );
    expect(cells).toEqual([
      ['Ingestor', 'State', 'Last run', 'Documents', 'Chunks', 'Errors'],
      [
        'catalog',
        'succeeded',
        expect.stringContaining('(12 s)'),
        '42',
        '180',
        'none',
      ],
      [
        'github',
        'failed',
        expect.stringContaining('(1.0 s)'),
        '0',
        '0',
        'GitHub answered 401: check integrations.github',
      ],
      ['techdocs', 'not run yet', 'never', '0', '0', 'none'],
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Run now' }));
    expect(await screen.findByText('Ingestion started.')).toBeInTheDocument();
    await waitFor(() => expect(runs).toBe(1));
  });

  it('shows the run started by Run now as running without a refresh, with how long it has run', async () => {
    // The server starts the run just after answering: the first status after the click may
    // still show the previous run.
    const catalog = STATUS.ingestors[0];
    let polls = 0;
    server.use(
      http.get(`${BASE_URL}/ingestion`, () => {
        const ingestor =
          runs === 0 || polls++ < 1
            ? catalog
            : {
                ...catalog,
                lastRun: {
                  ...catalog.lastRun!,
                  id: '3',
                  state: 'running' as const,
                  startedAt: new Date(Date.now() - 4_000).toISOString(),
                  finishedAt: undefined,
                },
              };
        return HttpResponse.json({ ingestors: [ingestor] });
      }),
    );
    await renderInTestApp(
      <TestApis admin>
        <AiAssistantContent />
      </TestApis>,
    );
    await userEvent.click(await screen.findByRole('tab', { name: 'Sources' }));
    const table = await screen.findByRole('table', { name: 'Ingestors' });
    expect(within(table).getByText(/\(12 s\)/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Run now' }));

    expect(
      await within(table).findByText('running', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(
      within(table).getByText(/running for \d+\.\d s/),
    ).toBeInTheDocument();
  });

  it('one poisoned file: shows admins the documents a succeeded run skipped, with their errors', async () => {
    const lastRun = STATUS.ingestors[0].lastRun!;
    server.use(
      http.get(`${BASE_URL}/ingestion`, () =>
        HttpResponse.json({
          ingestors: [
            {
              ...STATUS.ingestors[0],
              id: 'azure-devops',
              lastRun: {
                ...lastRun,
                ingestor: 'azure-devops',
                documentsFailed: 3,
                documentErrors: [
                  {
                    documentId: 'Platform/docs/notes.md',
                    error: 'could not be stored: invalid byte sequence',
                  },
                  {
                    documentId: 'Platform/_wiki/Wiki/100%',
                    error: 'URI malformed',
                  },
                ],
              },
            },
          ],
        } satisfies IngestionStatusResponse),
      ),
    );
    await renderInTestApp(
      <TestApis admin>
        <AiAssistantContent />
      </TestApis>,
    );
    await userEvent.click(await screen.findByRole('tab', { name: 'Sources' }));
    const table = await screen.findByRole('table', { name: 'Ingestors' });
    const row = within(table).getAllByRole('row')[1];
    expect(within(row).getByText('succeeded')).toBeInTheDocument();
    const skipped = within(row).getByRole('list', {
      name: '3 documents skipped',
    });
    expect(
      within(skipped)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'Platform/docs/notes.md: could not be stored: invalid byte sequence',
      'Platform/_wiki/Wiki/100%: URI malformed',
      'and 1 more',
    ]);
  });

  it('keeps the selected tab dark under the pointer in the dark theme', async () => {
    await renderInTestApp(
      <UnifiedThemeProvider theme={themes.dark}>
        <TestApis admin>
          <AiAssistantContent />
        </TestApis>
      </UnifiedThemeProvider>,
    );
    const ingestion = await screen.findByRole('tab', { name: 'Sources' });
    await userEvent.click(ingestion);
    expect(ingestion).toHaveAttribute('aria-selected', 'true');

    // The dark theme's own hover tint, not Backstage's tab default of near white.
    expect(hoverBackground(ingestion)).toBe(
      themes.dark.getTheme('v4')?.palette.action.hover,
    );
  });
});
