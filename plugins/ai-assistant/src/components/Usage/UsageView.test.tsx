import type {
  UsageFigures,
  UsageResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import {
  errorResponse,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import { CockpitFrame } from '../Cockpit';
import { UsageView } from './UsageView';

const server = setupFakeBackend();

const figures = (extra: Partial<UsageFigures> = {}): UsageFigures => ({
  chats: 0,
  users: 0,
  inputTokens: 0,
  outputTokens: 0,
  estimatedChats: 0,
  estimatedInputTokens: 0,
  estimatedOutputTokens: 0,
  errors: 0,
  fallbacks: 0,
  feedbackUp: 0,
  feedbackDown: 0,
  ...extra,
});

const REPORT: UsageResponse = {
  from: '2026-11-04',
  to: '2026-12-03',
  rows: [
    {
      day: '2026-12-02',
      modelId: 'azure-ai/gpt-4o',
      ...figures({
        chats: 12,
        users: 5,
        inputTokens: 48_000,
        outputTokens: 3_600,
        errors: 1,
        feedbackUp: 4,
        feedbackDown: 1,
      }),
    },
    {
      day: '2026-12-03',
      modelId: 'ollama/llama3.2',
      ...figures({
        chats: 3,
        users: 2,
        inputTokens: 9_000,
        outputTokens: 700,
        estimatedChats: 1,
        estimatedInputTokens: 2_500,
        estimatedOutputTokens: 120,
        fallbacks: 3,
      }),
    },
  ],
  totals: figures({
    chats: 15,
    users: 6,
    inputTokens: 57_000,
    outputTokens: 4_300,
    estimatedChats: 1,
    estimatedInputTokens: 2_500,
    estimatedOutputTokens: 120,
    errors: 1,
    fallbacks: 3,
    feedbackUp: 4,
    feedbackDown: 1,
  }),
  dailyTokenBudget: 50_000,
};

/** Answers `GET /admin/usage` with `report` and records each query. */
function serveUsage(report: UsageResponse | ((q: URLSearchParams) => any)) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE_URL}/admin/usage`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      return typeof report === 'function'
        ? report(query)
        : HttpResponse.json(report);
    }),
  );
  return queries;
}

const render = () =>
  renderInTestApp(
    <TestApis admin>
      <UsageView />
    </TestApis>,
  );

const cellsOf = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map(cell => cell.textContent);

describe('UsageView', () => {
  it('shows per day and model the chats, users, tokens with the estimated part marked, errors, fallbacks, feedback, totals and the budget', async () => {
    const queries = serveUsage(REPORT);
    await render();

    const table = await screen.findByRole('table', {
      name: 'Usage per day and model',
    });
    const rows = within(table).getAllByRole('row');
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Day (UTC)',
      'Model',
      'Chats',
      'Users',
      'Tokens in',
      'Tokens out',
      'Errors',
      'Fallbacks',
      'Thumbs up',
      'Thumbs down',
    ]);
    expect(cellsOf(rows[1])).toEqual([
      '2026-12-02',
      'azure-ai/gpt-4o',
      '12',
      '5',
      '48,000',
      '3,600',
      '1',
      '0',
      '4',
      '1',
    ]);
    // Estimated tokens are marked where they are.
    expect(cellsOf(rows[2])).toEqual([
      '2026-12-03',
      'ollama/llama3.2',
      '3',
      '2',
      '9,000 2,500 estimated',
      '700 120 estimated',
      '0',
      '3',
      '0',
      '0',
    ]);
    expect(cellsOf(rows[3]).slice(0, 4)).toEqual([
      'Total',
      '15',
      '6',
      '57,000 2,500 estimated',
    ]);
    expect(
      screen.getByText(
        /For 1 of 15 answers the model provider reported no token counts/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Daily token budget: 50,000 tokens per user, reset at 00:00 UTC.',
      ),
    ).toBeInTheDocument();
    // The last 30 days by default, today included.
    const today = new Date().toISOString().slice(0, 10);
    expect(queries[0].get('to')).toBe(today);
    expect(
      (Date.parse(today) - Date.parse(queries[0].get('from')!)) / 86_400_000,
    ).toBe(29);
  });

  it('asks for the range the admin picks', async () => {
    const queries = serveUsage(query =>
      HttpResponse.json({
        ...REPORT,
        from: query.get('from'),
        to: query.get('to'),
        rows:
          query.get('from') === '2026-12-03' ? [REPORT.rows[1]] : REPORT.rows,
      }),
    );
    await render();
    await screen.findByRole('table');

    fireEvent.change(screen.getByLabelText('From (UTC)'), {
      target: { value: '2026-12-03' },
    });
    fireEvent.change(screen.getByLabelText('To (UTC)'), {
      target: { value: '2026-12-03' },
    });

    await waitFor(() =>
      expect(queries.at(-1)?.toString()).toBe('from=2026-12-03&to=2026-12-03'),
    );
    await waitFor(
      () => expect(screen.getAllByRole('row')).toHaveLength(3), // header, one day, total
    );
    expect(screen.queryByText('azure-ai/gpt-4o')).not.toBeInTheDocument();
  });

  it('says when nothing was answered, when no budget is set, and what the server refused', async () => {
    serveUsage({
      ...REPORT,
      rows: [],
      totals: figures(),
      dailyTokenBudget: undefined,
    });
    await render();
    expect(
      await screen.findByText('No answers were given in this range.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'No daily token budget is set (aiAssistant.chat.dailyTokenBudget).',
      ),
    ).toBeInTheDocument();

    serveUsage(() =>
      errorResponse(
        400,
        'InputError',
        'Invalid query: from (2026-12-04) must not be after to (2026-12-03)',
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Refresh usage' }));
    expect(
      await screen.findByText(
        /Could not load the usage: Invalid query: from \(2026-12-04\) must not be after to/,
      ),
    ).toBeInTheDocument();
  });

  it('is a tab of the cockpit for admins', async () => {
    serveUsage(REPORT);
    await renderInTestApp(
      <TestApis admin>
        <CockpitFrame chat={<div>the chat</div>} />
      </TestApis>,
    );
    fireEvent.click(await screen.findByRole('tab', { name: 'Usage' }));
    expect(
      await screen.findByRole('table', { name: 'Usage per day and model' }),
    ).toBeInTheDocument();
  });
});
