import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  conversation,
  setupConversationList,
} from '../../__testUtils__/conversationList';

const { backend, renderChat } = setupConversationList();

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

    const exchange = backend().nextChat();
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
    backend().conversations.push(long);
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
    expect(backend().conversations.find(c => c.id === 'c2')?.title).toBe(
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
    expect(backend().conversations).toHaveLength(2);

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
    expect(backend().conversations.map(c => c.id)).toEqual(['c1']);
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
    expect(backend().conversations).toEqual([]);
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
});
