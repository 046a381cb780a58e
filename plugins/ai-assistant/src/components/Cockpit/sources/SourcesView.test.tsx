import type { SourceStatusInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { BASE_URL, TestApis } from '../../../__testUtils__/apis';
import {
  errorResponse,
  setupFakeBackend,
} from '../../../__testUtils__/fakeBackend';
import {
  fakeSourcesBackend,
  finishedRun,
  source,
} from '../../../__testUtils__/fakeSources';
import { SourcesView } from './SourcesView';

const server = setupFakeBackend();

/** The facts of one source card, as term → description text. */
function factsOf(name: string): Record<string, string> {
  const card = screen.getByRole('region', { name });
  // A description list has no ARIA role of its own to find it by.
  const list = card.querySelector('dl')!;
  const facts: Record<string, string> = {};
  let term = '';
  for (const element of Array.from(list.children)) {
    if (element.tagName === 'DT') term = element.textContent ?? '';
    else facts[term] = element.textContent ?? '';
  }
  return facts;
}

/** Renders the view and waits for the card of `first`. */
async function renderView(first: string) {
  await renderInTestApp(
    <TestApis admin>
      <SourcesView />
    </TestApis>,
  );
  await screen.findByRole('region', { name: first });
}

describe('SourcesView', () => {
  it('shows admins per source what is stored, with which model, how fresh, what was pruned and which documents were skipped and why', async () => {
    const { handlers } = fakeSourcesBackend(() => [
      source('azure-devops', {
        newestSourceUpdateAt: '2026-11-23T09:00:00.000Z',
        lastRun: finishedRun('azure-devops', {
          documentsFailed: 3,
          documentErrors: [
            {
              documentId: 'Platform/docs/notes.md',
              error: 'could not be stored: invalid byte sequence',
            },
            { documentId: 'Platform/_wiki/Wiki/100%', error: 'URI malformed' },
          ],
        }),
      }),
      source('github', {
        documents: 10,
        chunks: 30,
        lastSucceededAt: undefined,
        lastRun: finishedRun('github', {
          state: 'failed',
          documentsPruned: 0,
          chunksPruned: 0,
          error: 'GitHub answered 401: check integrations.github',
          progress: undefined,
        }),
        embeddingModels: [
          {
            model: 'openai/text-embedding-3-small',
            dimensions: 1536,
            documents: 10,
            chunks: 30,
            current: false,
          },
        ],
      }),
    ]);
    server.use(...handlers);
    await renderView('azure-devops');

    expect(
      screen.getByText(
        'Questions are embedded with ollama/nomic-embed-text, 768 dimensions.',
      ),
    ).toBeInTheDocument();
    const azure = factsOf('azure-devops');
    expect(azure).toEqual({
      State: 'succeeded',
      'Last run': expect.stringContaining('(12 s)'),
      'Last successful run': expect.stringMatching(/ago\)$/),
      'Newest document': expect.stringMatching(/ago\)$/),
      Documents: '42',
      Chunks: '180',
      'Embedding model': 'ollama/nomic-embed-text, 768 dimensions',
      'Pruned by the last run': '1 document, 3 chunks',
      Errors: expect.stringContaining('3 documents skipped'),
    });
    const skipped = within(
      screen.getByRole('region', { name: 'azure-devops' }),
    ).getByRole('list', { name: '3 documents skipped' });
    expect(
      within(skipped)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'Platform/docs/notes.md: could not be stored: invalid byte sequence',
      'Platform/_wiki/Wiki/100%: URI malformed',
      'and 1 more',
    ]);
    expect(
      within(screen.getByRole('region', { name: 'azure-devops' })).getByRole(
        'progressbar',
        { name: 'Progress of azure-devops' },
      ),
    ).toHaveAttribute('aria-valuenow', '100');

    expect(factsOf('github')).toMatchObject({
      State: 'failed',
      'Last successful run': 'never',
      'Newest document': 'not reported by the source',
      'Embedding model':
        'openai/text-embedding-3-small, 1536 dimensions: not the current model, not searched; re-index',
      'Pruned by the last run': '0 documents, 0 chunks',
      Errors: 'GitHub answered 401: check integrations.github',
    });
  });

  it('queues a run of one source, and a re-index only once the admin confirms it', async () => {
    const { handlers, requests } = fakeSourcesBackend(() => [
      source('catalog'),
      source('techdocs'),
    ]);
    server.use(...handlers);
    await renderView('catalog');

    await userEvent.click(
      within(screen.getByRole('region', { name: 'techdocs' })).getByRole(
        'button',
        { name: 'Run now', description: 'techdocs' },
      ),
    );
    expect(
      await screen.findByText(
        'A run of techdocs is queued; it starts when no other ingestion runs.',
      ),
    ).toBeInTheDocument();
    expect(requests).toEqual([{ ingestorId: 'techdocs', action: 'run' }]);

    await userEvent.click(
      within(screen.getByRole('region', { name: 'catalog' })).getByRole(
        'button',
        { name: 'Re-index', description: 'catalog' },
      ),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Re-index catalog?',
    });
    expect(dialog).toHaveTextContent('180 chunks sent to the embeddings');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(requests).toHaveLength(1);

    await userEvent.click(
      within(screen.getByRole('region', { name: 'catalog' })).getByRole(
        'button',
        { name: 'Re-index', description: 'catalog' },
      ),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Re-index',
      }),
    );
    await waitFor(() =>
      expect(requests).toEqual([
        { ingestorId: 'techdocs', action: 'run' },
        { ingestorId: 'catalog', action: 'reindex' },
      ]),
    );
  });

  it('follows a re-index from queued through its progress to 100 %, without a refresh', async () => {
    let reindexed = false;
    let polls = 0;
    // After the click: queued, then halfway, then done; one step per poll.
    const states: Array<Partial<SourceStatusInfo>> = [
      {
        pendingRequest: {
          reembed: true,
          requestedAt: new Date().toISOString(),
        },
      },
      {
        lastRun: finishedRun('catalog', {
          id: 'catalog-2',
          state: 'running',
          reembed: true,
          finishedAt: undefined,
          startedAt: new Date().toISOString(),
          progress: {
            documentsDone: 21,
            documentsTotal: 42,
            chunksDone: 90,
            chunksTotal: 180,
            percent: 50,
          },
        }),
      },
      {
        lastRun: finishedRun('catalog', { id: 'catalog-2', reembed: true }),
      },
    ];
    const { handlers, requests } = fakeSourcesBackend(() => [
      source(
        'catalog',
        reindexed ? states[Math.min(polls++, states.length - 1)] : {},
      ),
    ]);
    server.use(...handlers);
    await renderView('catalog');
    await userEvent.click(
      within(screen.getByRole('region', { name: 'catalog' })).getByRole(
        'button',
        { name: 'Re-index', description: 'catalog' },
      ),
    );
    reindexed = true;
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Re-index',
      }),
    );
    await waitFor(() => expect(requests).toHaveLength(1));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    const card = screen.getByRole('region', { name: 'catalog' });
    expect(
      await within(card).findByText(
        'running: re-index',
        {},
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
    expect(within(card).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '50',
    );
    expect(
      within(card).getByText('21 / 42 documents, 90 / 180 chunks, 50 %'),
    ).toBeInTheDocument();
    expect(
      within(card).getByRole('button', { name: 'Re-index' }),
    ).toBeDisabled();

    expect(
      await within(card).findByText(
        '42 / 42 documents, 180 / 180 chunks, 100 %',
        {},
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
    expect(within(card).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    expect(
      within(card).getByRole('button', { name: 'Re-index' }),
    ).toBeEnabled();
  });

  it('says why the sources could not be loaded', async () => {
    server.use(
      http.get(`${BASE_URL}/admin/sources`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'This needs the ai-assistant.ingestion.admin permission of the AI assistant',
        ),
      ),
    );
    await renderInTestApp(
      <TestApis admin>
        <SourcesView />
      </TestApis>,
    );
    expect(
      await screen.findByText(
        /Could not load the sources: .*ai-assistant\.ingestion\.admin/,
      ),
    ).toBeInTheDocument();
  });
});
