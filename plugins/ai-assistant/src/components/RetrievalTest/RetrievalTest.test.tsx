import type {
  RetrievalTestResult,
  RetrievalTestSearch,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import {
  errorResponse,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import { CockpitFrame } from '../Cockpit';
import { Message } from '../Message';
import { RetrievalTest } from './RetrievalTest';

const server = setupFakeBackend();

const chunk = (id: string, title: string, section?: string) => ({
  chunkId: id,
  title,
  ...(section && { section }),
  url: `https://docs.example.com/${id}`,
  source: 'docs',
});

const search: RetrievalTestSearch = {
  step: 'search',
  vector: {
    text: 'How are orders refunded?',
    embeddingModel: 'local:wink:100',
    candidates: [
      { ...chunk('1', 'Refunds', 'Console'), rank: 1, score: 0.91 },
      {
        chunkId: '2',
        rank: 2,
        score: 0.8,
        hidden: true,
        removedByPermission: true,
      },
      { ...chunk('3', 'Pager'), rank: 3, score: 0.2 },
    ],
  },
  keyword: {
    text: 'How are orders refunded?',
    tsquery: "'refund' | 'order'",
    andFallback: false,
    terms: [
      { lexeme: 'refund', idf: 2.1, matched: true },
      { lexeme: 'order', idf: 1.2, matched: true },
    ],
    candidates: [
      { ...chunk('1', 'Refunds', 'Console'), rank: 1, score: 0.5 },
      {
        chunkId: '2',
        rank: 2,
        score: 0.4,
        hidden: true,
        removedByPermission: true,
      },
    ],
  },
  fused: [
    {
      ...chunk('1', 'Refunds', 'Console'),
      rank: 1,
      score: 1.5,
      vectorRank: 1,
      keywordRank: 1,
      returned: true,
    },
    {
      chunkId: '2',
      rank: 2,
      score: 1.1,
      hidden: true,
      removedByPermission: true,
      vectorRank: 2,
      keywordRank: 2,
      returned: true,
    },
    {
      ...chunk('3', 'Pager'),
      rank: 3,
      score: 0.1,
      vectorRank: 3,
      returned: false,
    },
  ],
  limit: 2,
  removedByPermission: 1,
};

const RESULT: RetrievalTestResult = {
  question: 'How are orders refunded?',
  permissions: { user: 'user:default/admin', mode: 'policy' },
  searches: [search],
  removedByPermission: 1,
  promptChunks: [
    {
      n: 1,
      chunkId: '1',
      title: 'Refunds',
      section: 'Console',
      url: 'https://docs.example.com/1#console',
      source: 'docs',
      score: 1.5,
      content: 'Support refunds orders through the billing console.',
    },
  ],
};

/** Answers `POST /admin/retrieval-test` with `result` and records each body. */
function fakeRetrievalTest(result: RetrievalTestResult = RESULT) {
  const bodies: unknown[] = [];
  server.use(
    http.post(`${BASE_URL}/admin/retrieval-test`, async ({ request }) => {
      bodies.push(await request.json());
      return HttpResponse.json(result);
    }),
  );
  return bodies;
}

const rowsOf = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    );

describe('RetrievalTest', () => {
  it('runs a question and shows both legs, the fused ranking, the permission removals and the prompt chunks', async () => {
    const bodies = fakeRetrievalTest();
    const user = userEvent.setup();
    await renderInTestApp(
      <TestApis admin>
        <RetrievalTest />
      </TestApis>,
    );

    await user.type(
      screen.getByRole('textbox', { name: /Question/ }),
      'How are orders refunded?',
    );
    await user.type(
      screen.getByRole('textbox', { name: 'About entity (optional)' }),
      ' component:default/billing ',
    );
    await user.click(screen.getByRole('button', { name: 'Run test' }));

    const vector = await screen.findByRole('table', {
      name: 'Vector leg candidates',
    });
    expect(bodies).toEqual([
      {
        question: 'How are orders refunded?',
        entityRef: 'component:default/billing',
      },
    ]);
    expect(rowsOf(vector)).toEqual([
      ['1', '0.910', 'RefundsConsole'],
      ['2', '0.800', '(a chunk you may not read)'],
      ['3', '0.200', 'Pager'],
    ]);
    expect(
      rowsOf(screen.getByRole('table', { name: 'Keyword leg candidates' })),
    ).toEqual([
      ['1', '0.500', 'RefundsConsole'],
      ['2', '0.400', '(a chunk you may not read)'],
    ]);
    expect(screen.getByText("'refund' | 'order'")).toBeInTheDocument();
    expect(
      rowsOf(screen.getByRole('table', { name: 'Fused ranking' })),
    ).toEqual([
      ['1', '1.500', '1', '1', 'RefundsConsole', 'Returned'],
      [
        '2',
        '1.100',
        '2',
        '2',
        '(a chunk you may not read)',
        'Removed by permission',
      ],
      ['3', '0.100', '3', '–', 'Pager', 'Below the cut'],
    ]);
    expect(
      screen.getByText('Removed by the permission filter: 1'),
    ).toBeInTheDocument();
    const prompt = screen.getByRole('list', { name: 'Chunks in the prompt' });
    expect(
      within(prompt).getByRole('link', { name: 'Refunds' }),
    ).toHaveAttribute('href', 'https://docs.example.com/1#console');
    expect(prompt).toHaveTextContent(
      'Support refunds orders through the billing console.',
    );
  });

  it("says when another user's permissions could only be approximated", async () => {
    const bodies = fakeRetrievalTest({
      ...RESULT,
      permissions: { user: 'user:default/jane', mode: 'noEntities' },
    });
    const user = userEvent.setup();
    await renderInTestApp(
      <TestApis admin>
        <RetrievalTest />
      </TestApis>,
    );
    await user.type(screen.getByRole('textbox', { name: /Question/ }), 'q');
    await user.type(
      screen.getByRole('textbox', { name: 'As user (optional)' }),
      'user:default/jane',
    );
    await user.click(screen.getByRole('button', { name: 'Run test' }));

    expect(
      await screen.findByText(
        /cannot ask the permission policy about another user/,
      ),
    ).toBeInTheDocument();
    expect(bodies).toEqual([{ question: 'q', asUser: 'user:default/jane' }]);
  });

  it("shows the server's reason when the test is refused", async () => {
    server.use(
      http.post(`${BASE_URL}/admin/retrieval-test`, () =>
        errorResponse(
          400,
          'InputError',
          'Invalid request body: asUser must be a user entity ref user:namespace/name',
        ),
      ),
    );
    const user = userEvent.setup();
    await renderInTestApp(
      <TestApis admin>
        <RetrievalTest />
      </TestApis>,
    );
    await user.type(screen.getByRole('textbox', { name: /Question/ }), 'q');
    await user.click(screen.getByRole('button', { name: 'Run test' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'asUser must be a user entity ref user:namespace/name (HTTP 400)',
    );
  });
});

describe('Why this answer?', () => {
  const answer = (
    <Message
      message={{
        key: 'k',
        id: 'message-1',
        role: 'assistant',
        content: 'Support refunds them [1].',
        status: 'complete',
        sources: [],
        toolCalls: [],
      }}
    />
  );

  it("opens the retrieval test replaying that answer's retrieval", async () => {
    const replayed: string[] = [];
    server.use(
      http.get(
        `${BASE_URL}/admin/retrieval-test/messages/:id`,
        ({ params }) => {
          replayed.push(String(params.id));
          return HttpResponse.json({
            ...RESULT,
            replay: {
              messageId: 'message-1',
              conversationId: 'c1',
              answeredAt: '2026-12-01T10:00:00.000Z',
              embeddingModel: 'local:wink:50',
              currentEmbeddingModel: 'local:wink:100',
              answeredSources: [
                {
                  source: 'docs',
                  documentId: '1',
                  title: 'Old refunds page',
                  url: 'https://docs.example.com/old',
                  score: 0.9,
                },
              ],
            },
          } satisfies RetrievalTestResult);
        },
      ),
    );
    const user = userEvent.setup();
    await renderInTestApp(
      <TestApis admin>
        <CockpitFrame chat={answer} />
      </TestApis>,
    );

    await user.click(
      await screen.findByRole('button', { name: 'Why this answer?' }),
    );

    expect(
      await screen.findByRole('tab', { name: 'Retrieval test' }),
    ).toHaveAttribute('aria-selected', 'true');
    const banner = await screen.findByText(/Replaying your answer of/);
    expect(banner).toHaveTextContent('“How are orders refunded?”');
    expect(banner).toHaveTextContent(
      'It was embedded with local:wink:50; the index now uses local:wink:100.',
    );
    expect(banner).toHaveTextContent('The answer was given: Old refunds page.');
    expect(screen.getByRole('textbox', { name: /Question/ })).toHaveValue(
      'How are orders refunded?',
    );
    expect(
      screen.getByRole('table', { name: 'Fused ranking' }),
    ).toBeInTheDocument();
    expect(replayed).toEqual(['message-1']);
  });

  it('is not offered to users who are not admins', async () => {
    const authorize = jest.fn(async () => ({ result: AuthorizeResult.DENY }));
    await renderInTestApp(
      <TestApis permissionApi={{ authorize }}>
        <CockpitFrame chat={answer} />
      </TestApis>,
    );
    expect(
      await screen.findByRole('button', { name: 'Copy answer' }),
    ).toBeInTheDocument();
    // Only once the policy has answered could an admin's button have appeared.
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    await act(async () => {
      await authorize.mock.results[0].value;
    });
    expect(
      screen.queryByRole('button', { name: 'Why this answer?' }),
    ).not.toBeInTheDocument();
  });
});
