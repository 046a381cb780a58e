import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { TestApis } from '../../__testUtils__/apis';
import { FakeBackend, setupFakeBackend } from '../../__testUtils__/fakeBackend';
import { ChatPage } from './ChatPage';

const server = setupFakeBackend();
let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend();
  server.use(...backend.handlers);
});

/** The page's query string, to see what a reload would do. */
function Search() {
  return <output aria-label="search">{useLocation().search}</output>;
}

const chip = () => screen.queryByText('About payments');

describe('ChatPage opened from an entity page', () => {
  it('asks the question about the entity once, shows "About <entity>" and keeps the entity for follow-ups until cleared', async () => {
    const first = backend.nextChat();
    await renderInTestApp(
      <TestApis>
        <ChatPage />
        <Search />
      </TestApis>,
      {
        routeEntries: [
          '/?entity=component%3Adefault%2Fpayments&q=Who+owns+payments%3F',
        ],
      },
    );
    const { request, stream } = await first;
    expect(request).toMatchObject({
      message: 'Who owns payments?',
      entityRef: 'component:default/payments',
    });
    expect(chip()).toBeInTheDocument();
    // The question leaves the URL, so a reload does not ask it again; the entity stays.
    await waitFor(() =>
      expect(
        screen.getByRole('status', { name: 'search' }),
      ).not.toHaveTextContent('q='),
    );
    expect(screen.getByRole('status', { name: 'search' })).toHaveTextContent(
      'entity=component',
    );
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'delta', data: { text: 'Team A owns it.' } });
    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();
    await waitFor(() =>
      expect(
        screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
      ).toBeEnabled(),
    );

    const followUp = backend.nextChat();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
      'And its on-call?{Enter}',
    );
    expect((await followUp).request).toMatchObject({
      message: 'And its on-call?',
      conversationId: 'c1',
      entityRef: 'component:default/payments',
    });
    (await followUp).stream.close();
    expect(backend.chats).toHaveLength(2);

    // Clearing the chip asks about everything again.
    await userEvent.click(
      screen.getByRole('button', { name: 'Stop asking about payments' }),
    );
    await waitFor(() => expect(chip()).not.toBeInTheDocument());
  });
});
