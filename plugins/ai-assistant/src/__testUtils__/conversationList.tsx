import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ChatPage } from '../components/ChatPage';
import { TestApis } from './apis';
import {
  FakeBackend,
  setupFakeBackend,
  type StoredConversation,
} from './fakeBackend';
import { SOURCES } from './fixtures';

/**
 * A stored conversation of one question and an (aborted) answer with sources and a tool call,
 * last updated at `updatedAt`.
 */
export function conversation(
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

/**
 * The chat page with its conversation list against a fresh fake backend per test that holds
 * two conversations (`c1` "Deploying payments", `c2` "On-call rota", the newer). Call at the
 * top level of a test file; `backend()` is the current test's backend.
 */
export function setupConversationList() {
  const server = setupFakeBackend();
  let backend: FakeBackend;
  beforeEach(() => {
    backend = new FakeBackend();
    backend.conversations = [
      conversation('c1', 'Deploying payments', '2026-11-01T10:00:00.000Z'),
      conversation('c2', 'On-call rota', '2026-11-02T10:00:00.000Z'),
    ];
    server.use(...backend.handlers);
  });

  return {
    backend: () => backend,

    /** Renders the page at `route`; resolves with the conversation list. */
    async renderChat(route = '/ai-assistant') {
      await renderInTestApp(
        <TestApis>
          <ChatPage />
        </TestApis>,
        { routeEntries: [route] },
      );
      return screen.findByRole('navigation', { name: 'Conversations' });
    },
  };
}
