import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChatPage } from '../components/ChatPage';
import { TestApis, type TestConfig } from './apis';
import {
  type ChatExchange,
  FakeBackend,
  setupFakeBackend,
} from './fakeBackend';

/**
 * The chat page against a fresh fake backend per test, for a test file of the chat page. Call
 * at the top level of the file; `backend()` is the current test's backend, `server` the mock
 * server for one-off handlers.
 */
export function setupChatPage() {
  const server = setupFakeBackend();
  let backend: FakeBackend;
  beforeEach(() => {
    backend = new FakeBackend();
    server.use(...backend.handlers);
  });

  return {
    server,
    backend: () => backend,

    async renderChat(config?: TestConfig) {
      await renderInTestApp(
        <TestApis config={config}>
          <ChatPage />
        </TestApis>,
      );
    },

    /** Types a question and presses Enter; resolves with the request the backend got. */
    async ask(question: string): Promise<ChatExchange> {
      const exchange = backend.nextChat();
      await userEvent.type(
        screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
        `${question}{Enter}`,
      );
      return exchange;
    },
  };
}

/** The assistant's (first) answer on the page. */
export const answer = () =>
  screen.getByRole('article', { name: "Assistant's answer" });
