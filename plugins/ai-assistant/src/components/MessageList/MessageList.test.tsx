import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ViewMessage } from '../../hooks/chatReducer';
import { MessageList } from './MessageList';

const message = (
  key: string,
  role: ViewMessage['role'],
  content: string,
): ViewMessage => ({
  key,
  role,
  content,
  status: 'complete',
  sources: [],
  toolCalls: [],
});

const FIRST: ViewMessage[] = [
  message('q1', 'user', 'How do I refund a payment?'),
  message('a1', 'assistant', 'With the refunds endpoint.'),
];

// jsdom lays nothing out: give the conversation the sizes a browser would.
function layOut(log: HTMLElement, scrollHeight: number) {
  Object.defineProperty(log, 'scrollHeight', {
    configurable: true,
    value: scrollHeight,
  });
  Object.defineProperty(log, 'clientHeight', {
    configurable: true,
    value: 400,
  });
}

describe('MessageList', () => {
  it('offers to jump to the latest message when scrolled up, and follows again after it', async () => {
    await renderInTestApp(<MessageList messages={FIRST} streaming={false} />);
    const log = screen.getByRole('log', { name: 'Conversation' });
    layOut(log, 2000);

    log.scrollTop = 600;
    fireEvent.scroll(log);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Jump to latest' }),
    );

    expect(log.scrollTop).toBe(2000);
    expect(
      screen.queryByRole('button', { name: 'Jump to latest' }),
    ).not.toBeInTheDocument();
  });

  it('brings a new question into view, however far up the user had scrolled', async () => {
    const { rerender } = await renderInTestApp(
      <MessageList messages={FIRST} streaming={false} />,
    );
    const log = screen.getByRole('log', { name: 'Conversation' });
    layOut(log, 2000);
    log.scrollTop = 100;
    fireEvent.scroll(log);
    expect(
      await screen.findByRole('button', { name: 'Jump to latest' }),
    ).toBeInTheDocument();

    layOut(log, 2600);
    rerender(
      <MessageList
        messages={[
          ...FIRST,
          message('q2', 'user', 'And in part?'),
          { ...message('a2', 'assistant', ''), status: 'streaming' },
        ]}
        streaming
      />,
    );

    expect(log.scrollTop).toBe(2600);
    expect(
      screen.queryByRole('button', { name: 'Jump to latest' }),
    ).not.toBeInTheDocument();
  });
});
