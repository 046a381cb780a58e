import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApis } from '../../__testUtils__/apis';
import {
  FakeBackend,
  setupFakeBackend,
  type StoredConversation,
} from '../../__testUtils__/fakeBackend';
import { SOURCES } from '../../__testUtils__/fixtures';
import { ChatPage } from '../ChatPage';

const server = setupFakeBackend();
let backend: FakeBackend;

function conversation(
  id: string,
  title: string,
  updatedAt: string,
): StoredConversation {
  return {
    id,
    title,
    createdAt: updatedAt,
    updatedAt,
    messages: [
      {
        id: `${id}-q`,
        role: 'user',
        content: `Question of ${title}`,
        status: 'complete',
        sources: [],
        toolCalls: [],
        createdAt: updatedAt,
      },
      {
        id: `${id}-a`,
        role: 'assistant',
        content: `Answer of ${title} [1]`,
        status: 'aborted',
        sources: SOURCES,
        toolCalls: [
          {
            name: 'lookup_catalog_entity',
            input: { entityRef: 'component:default/payments' },
            status: 'succeeded',
          },
        ],
        createdAt: updatedAt,
      },
    ],
  };
}

beforeEach(() => {
  backend = new FakeBackend();
  backend.conversations = [
    conversation('c1', 'Deploying payments', '2026-11-01T10:00:00.000Z'),
    conversation('c2', 'On-call rota', '2026-11-02T10:00:00.000Z'),
  ];
  server.use(...backend.handlers);
});

async function renderChat(route = '/ai-assistant') {
  await renderInTestApp(
    <TestApis>
      <ChatPage />
    </TestApis>,
    { routeEntries: [route] },
  );
  return screen.findByRole('navigation', { name: 'Conversations' });
}

describe('ConversationList', () => {
  it('lists conversations newest first and resumes one with its sources and tool calls', async () => {
    const nav = await renderChat();
    const items = await within(nav).findAllByRole('button', {
      name: /^(On-call rota|Deploying payments)/,
    });
    expect(items.map(item => item.textContent)).toEqual([
      expect.stringContaining('On-call rota'),
      expect.stringContaining('Deploying payments'),
    ]);

    await userEvent.click(within(nav).getByText('Deploying payments'));
    expect(
      await screen.findByText('Question of Deploying payments'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Stopped: the answer is incomplete.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Source 1: payments: README' }),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('Tool lookup_catalog_entity done'),
    ).toBeInTheDocument();

    const exchange = backend.nextChat();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
      'And then?{Enter}',
    );
    expect((await exchange).request.conversationId).toBe('c1');
    (await exchange).stream.close();
  });

  it('Security review 12: shows the newest page of a long conversation and loads earlier messages on request', async () => {
    const long = conversation('c3', 'Long thread', '2026-11-03T10:00:00.000Z');
    long.messages = Array.from({ length: 120 }, (_, i) => ({
      id: `c3-${i}`,
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `Message number ${i}`,
      status: 'complete' as const,
      sources: [],
      toolCalls: [],
      createdAt: long.updatedAt,
    }));
    backend.conversations.push(long);
    await renderChat('/ai-assistant?conversation=c3');

    expect(await screen.findByText('Message number 119')).toBeInTheDocument();
    expect(screen.getByText('Message number 70')).toBeInTheDocument();
    expect(screen.queryByText('Message number 69')).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show earlier messages' }),
    );
    expect(await screen.findByText('Message number 20')).toBeInTheDocument();
    expect(screen.queryByText('Message number 19')).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Show earlier messages' }),
    );
    expect(await screen.findByText('Message number 0')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Show earlier messages' }),
    ).not.toBeInTheDocument();
    // Every message once, in order.
    const log = screen.getByRole('log', { name: 'Conversation' });
    expect(within(log).getAllByText(/^Message number \d+$/)).toHaveLength(120);
  });

  it('opens the conversation named in the URL, as after a reload', async () => {
    await renderChat('/ai-assistant?conversation=c2');
    expect(
      await screen.findByText('Question of On-call rota'),
    ).toBeInTheDocument();
  });

  it('says so when the conversation in the URL is gone', async () => {
    await renderChat('/ai-assistant?conversation=gone');
    expect(
      await screen.findByText(
        'Could not open the conversation: Conversation not found (HTTP 404)',
      ),
    ).toBeInTheDocument();
  });

  it('renames a conversation in place', async () => {
    const nav = await renderChat();
    await userEvent.click(
      await within(nav).findByRole('button', {
        name: 'Rename conversation On-call rota',
      }),
    );
    const title = within(nav).getByRole('textbox', {
      name: 'Conversation title',
    });
    await userEvent.clear(title);
    await userEvent.type(title, 'Who is on call{Enter}');
    expect(await within(nav).findByText('Who is on call')).toBeInTheDocument();
    expect(backend.conversations.find(c => c.id === 'c2')?.title).toBe(
      'Who is on call',
    );
  });

  it('deletes a conversation only after confirmation', async () => {
    const nav = await renderChat();
    await userEvent.click(
      await within(nav).findByRole('button', {
        name: 'Delete conversation On-call rota',
      }),
    );
    let dialog = await screen.findByRole('dialog', {
      name: 'Delete this conversation?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(backend.conversations).toHaveLength(2);

    await userEvent.click(
      within(nav).getByRole('button', {
        name: 'Delete conversation On-call rota',
      }),
    );
    dialog = await screen.findByRole('dialog', {
      name: 'Delete this conversation?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() =>
      expect(within(nav).queryByText('On-call rota')).not.toBeInTheDocument(),
    );
    expect(backend.conversations.map(c => c.id)).toEqual(['c1']);
  });

  it('deletes all conversations after confirmation and starts afresh', async () => {
    const nav = await renderChat('/ai-assistant?conversation=c1');
    await screen.findByText('Question of Deploying payments');
    await userEvent.click(
      within(nav).getByRole('button', { name: 'Delete all conversations' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete all conversations?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete all' }),
    );
    expect(
      await within(nav).findByText('No conversations yet.'),
    ).toBeInTheDocument();
    expect(backend.conversations).toEqual([]);
    expect(
      screen.queryByText('Question of Deploying payments'),
    ).not.toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      screen.getByRole('group', { name: 'Example questions' }),
    ).toBeInTheDocument();
  });
  describe('history', () => {
    // A round trip to the fake backend (after a pause in typing, for a search) can take longer
    // than the default second of waitFor and findBy when the machine is loaded.
    const loaded = { timeout: 10_000 };

    /** `days` calendar days before today, at `hour` o'clock local time. */
    function daysAgo(days: number, hour = 12): string {
      const now = new Date();
      return new Date(
        now.getFullYear(),
        now.getMonth(),
        now.getDate() - days,
        hour,
      ).toISOString();
    }

    /** `count` conversations titled `Topic <n>`, newest (n = 0) first, all of them old. */
    function many(count: number): StoredConversation[] {
      return Array.from({ length: count }, (_, n) =>
        conversation(
          `m${String(n).padStart(3, '0')}`,
          `Topic ${n}`,
          new Date(Date.UTC(2026, 0, 1, 0, 0, 0) - n * 60_000).toISOString(),
        ),
      );
    }

    /**
     * The titles of the `Topic <n>` rows, in order. Read from the DOM: role queries compute
     * every accessible name, too slow for a list of this size on a loaded machine.
     */
    const rows = (nav: HTMLElement) =>
      Array.from(
        nav.querySelectorAll('[role="button"] .MuiListItemText-primary'),
      )
        .map(title => title.textContent)
        .filter(title => title?.startsWith('Topic '));

    it('searches titles on the server, finding conversations that were not loaded yet', async () => {
      backend.conversations = [
        ...many(40),
        conversation('p1', 'Deploying payments', daysAgo(0)),
        conversation('p2', 'Old payments incident', '2025-01-01T10:00:00.000Z'),
      ];
      const nav = await renderChat();
      await within(nav).findByText('Deploying payments');
      // The first page holds 30 of the 42: the old incident is not loaded.
      expect(within(nav).queryByText('Old payments incident')).toBeNull();

      await userEvent.type(
        within(nav).getByRole('searchbox', { name: 'Search conversations' }),
        'PAYMENTS',
      );
      expect(
        await within(nav).findByText('Old payments incident', {}, loaded),
      ).toBeInTheDocument();
      await waitFor(() => expect(rows(nav)).toEqual([]), loaded);
      expect(within(nav).getByText('Deploying payments')).toBeInTheDocument();
      expect(backend.listQueries.at(-1)?.get('q')).toBe('PAYMENTS');
      // Typing was not one request per key.
      expect(
        backend.listQueries.filter(query => query.has('q')).length,
      ).toBeLessThan('PAYMENTS'.length);

      await userEvent.type(
        within(nav).getByRole('searchbox', { name: 'Search conversations' }),
        ' nowhere',
      );
      expect(
        await within(nav).findByText(
          'No conversation titles contain "PAYMENTS nowhere".',
          {},
          loaded,
        ),
      ).toBeInTheDocument();

      await userEvent.clear(
        within(nav).getByRole('searchbox', { name: 'Search conversations' }),
      );
      // The first page again: the newest payments conversation and 29 of the topics.
      await waitFor(() => expect(rows(nav)).toHaveLength(29), loaded);
    });

    it('groups conversations under Today, Yesterday, Previous 7 days, Previous 30 days and Older', async () => {
      backend.conversations = [
        conversation('g1', 'From this morning', daysAgo(0, 0)),
        conversation('g2', 'From last night', daysAgo(1, 23)),
        conversation('g3', 'From three days ago', daysAgo(3)),
        conversation('g4', 'From two weeks ago', daysAgo(14)),
        conversation('g5', 'From last year', daysAgo(400)),
      ];
      const nav = await renderChat();
      await within(nav).findByText('From this morning');
      expect(
        within(nav)
          .getAllByRole('heading')
          .map(heading => heading.textContent),
      ).toEqual([
        'Today',
        'Yesterday',
        'Previous 7 days',
        'Previous 30 days',
        'Older',
      ]);
      const group = (name: string) =>
        within(nav).getByRole('region', { name }).textContent;
      expect(group('Today')).toContain('From this morning');
      expect(group('Yesterday')).toContain('From last night');
      expect(group('Previous 7 days')).toContain('From three days ago');
      expect(group('Previous 30 days')).toContain('From two weeks ago');
      expect(group('Older')).toContain('From last year');
      expect(group('Older')).not.toContain('From two weeks ago');
    });

    it('loads older conversations page by page until there are no more', async () => {
      backend.conversations = many(65);
      const nav = await renderChat();
      await waitFor(() => expect(rows(nav)).toHaveLength(30), loaded);

      // By text, not role: see rows().
      const loadOlder = () =>
        within(nav).queryByText('Load older conversations');
      await userEvent.click(loadOlder()!);
      await waitFor(() => expect(rows(nav)).toHaveLength(60), loaded);
      await userEvent.click(loadOlder()!);
      await waitFor(() => expect(rows(nav)).toHaveLength(65), loaded);
      // Each once, in order, and nothing left to load.
      expect(rows(nav)).toEqual(
        Array.from({ length: 65 }, (_, n) => `Topic ${n}`),
      );
      expect(loadOlder()).toBeNull();
      expect(backend.listQueries.at(-1)?.get('before')).toBe('m059');
    });

    it('keeps the older pages it loaded when the list refreshes after an answer', async () => {
      backend.conversations = many(35);
      const nav = await renderChat();
      await waitFor(() => expect(rows(nav)).toHaveLength(30), loaded);
      await userEvent.click(within(nav).getByText('Load older conversations'));
      await waitFor(() => expect(rows(nav)).toHaveLength(35), loaded);

      const exchange = backend.nextChat();
      await userEvent.type(
        screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
        'Something new{Enter}',
      );
      const { stream } = await exchange;
      backend.conversations.push(
        conversation('new', 'Something new', new Date().toISOString()),
      );
      stream.pushEvent({
        type: 'conversation',
        data: { conversationId: 'new', messageId: 'x' },
      });
      stream.pushEvent({ type: 'done', data: { messageId: 'x' } });
      stream.close();
      expect(await within(nav).findByText('Something new')).toBeInTheDocument();
      expect(rows(nav)).toHaveLength(35);
    });

    it('shows the full title of a long conversation on hover', async () => {
      const long =
        'How do we rotate the database credentials of the payments service without downtime';
      backend.conversations = [
        conversation('l1', long, daysAgo(0)),
        conversation('l2', 'Short', daysAgo(1)),
      ];
      const nav = await renderChat();
      const row = await within(nav).findByRole('button', {
        name: new RegExp(`^${long}`),
      });
      await userEvent.hover(row);
      expect(await screen.findByRole('tooltip', {}, loaded)).toHaveTextContent(
        long,
      );
      await userEvent.unhover(row);
      await waitFor(
        () => expect(screen.queryByRole('tooltip')).toBeNull(),
        loaded,
      );

      // Keyboard focus opens the same tooltip in a browser; jsdom has no :focus-visible, so
      // the browser e2e (history.test.ts) checks that one.
    });

    it('reaches every row and its actions by keyboard, and opens a row with Enter', async () => {
      backend.conversations = [
        conversation('f1', 'Open one', daysAgo(0)),
        conversation('f2', 'Other one', daysAgo(1)),
      ];
      const nav = await renderChat('/ai-assistant?conversation=f1');
      const open = await within(nav).findByRole('button', {
        name: /^Open one/,
      });
      const other = within(nav).getByRole('button', { name: /^Other one/ });
      expect(open).toHaveAttribute('aria-current', 'true');
      expect(other).not.toHaveAttribute('aria-current');

      // From the search field: the open row, its two actions, then the next row.
      act(() =>
        within(nav)
          .getByRole('searchbox', { name: 'Search conversations' })
          .focus(),
      );
      await userEvent.tab();
      expect(open).toHaveFocus();
      await userEvent.tab();
      expect(
        within(nav).getByRole('button', {
          name: 'Rename conversation Open one',
        }),
      ).toHaveFocus();
      await userEvent.tab();
      await userEvent.tab();
      expect(other).toHaveFocus();
      await userEvent.keyboard('{Enter}');
      expect(
        await screen.findByText('Question of Other one'),
      ).toBeInTheDocument();
      await waitFor(() =>
        expect(other).toHaveAttribute('aria-current', 'true'),
      );
    });
  });
});
