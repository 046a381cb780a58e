import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StoredConversation } from '../../__testUtils__/fakeBackend';
import {
  conversation,
  setupConversationList,
} from '../../__testUtils__/conversationList';

const { backend, renderChat } = setupConversationList();

describe('ConversationList history', () => {
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
    Array.from(nav.querySelectorAll('[role="button"] .MuiListItemText-primary'))
      .map(title => title.textContent)
      .filter(title => title?.startsWith('Topic '));

  it('searches titles on the server, finding conversations that were not loaded yet', async () => {
    backend().conversations = [
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
    expect(backend().listQueries.at(-1)?.get('q')).toBe('PAYMENTS');
    // Typing was not one request per key.
    expect(
      backend().listQueries.filter(query => query.has('q')).length,
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
    backend().conversations = [
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
    backend().conversations = many(65);
    const nav = await renderChat();
    await waitFor(() => expect(rows(nav)).toHaveLength(30), loaded);

    // By text, not role: see rows().
    const loadOlder = () => within(nav).queryByText('Load older conversations');
    await userEvent.click(loadOlder()!);
    await waitFor(() => expect(rows(nav)).toHaveLength(60), loaded);
    await userEvent.click(loadOlder()!);
    await waitFor(() => expect(rows(nav)).toHaveLength(65), loaded);
    // Each once, in order, and nothing left to load.
    expect(rows(nav)).toEqual(
      Array.from({ length: 65 }, (_, n) => `Topic ${n}`),
    );
    expect(loadOlder()).toBeNull();
    expect(backend().listQueries.at(-1)?.get('before')).toBe('m059');
  });

  it('keeps the older pages it loaded when the list refreshes after an answer', async () => {
    backend().conversations = many(35);
    const nav = await renderChat();
    await waitFor(() => expect(rows(nav)).toHaveLength(30), loaded);
    await userEvent.click(within(nav).getByText('Load older conversations'));
    await waitFor(() => expect(rows(nav)).toHaveLength(35), loaded);

    const exchange = backend().nextChat();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
      'Something new{Enter}',
    );
    const { stream } = await exchange;
    backend().conversations.push(
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
    backend().conversations = [
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
    backend().conversations = [
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
    await waitFor(() => expect(other).toHaveAttribute('aria-current', 'true'));
  });
});
