import type { ConversationSummary } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useEffect, useRef, useState } from 'react';
import { aiAssistantApiRef } from '../api';
import { describeError } from '../lib/describeError';
import type { MessageError } from './chatReducer';

const PAGE_SIZE = 30;

/** The caller's conversations, newest first, with the actions of the conversation list. */
export function useConversations() {
  const api = useApi(aiAssistantApiRef);
  const [conversations, setConversations] = useState<ConversationSummary[]>();
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<MessageError>();
  // How many are shown, so a refresh after an answer keeps pages the user loaded.
  const shown = useRef(PAGE_SIZE);
  // Answers and refreshes overlap; only the latest request may set the list.
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const request = ++latest.current;
    try {
      const page = await api.listConversations({
        limit: Math.min(shown.current, 100),
      });
      if (request === latest.current) {
        setConversations(page.conversations);
        setTotal(page.total);
        setError(undefined);
      }
    } catch (e) {
      if (request === latest.current) {
        setError(describeError(e));
      }
    }
  }, [api]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  const loadMore = useCallback(async () => {
    shown.current = Math.min(shown.current + PAGE_SIZE, 100);
    await refresh();
  }, [refresh]);

  const rename = useCallback(
    async (id: string, title: string) => {
      const updated = await api.renameConversation(id, title);
      setConversations(list =>
        list?.map(c => (c.id === id ? { ...c, ...updated } : c)),
      );
    },
    [api],
  );

  const remove = useCallback(
    async (id: string) => {
      await api.deleteConversation(id);
      setConversations(list => list?.filter(c => c.id !== id));
      setTotal(count => Math.max(0, count - 1));
    },
    [api],
  );

  const removeAll = useCallback(async () => {
    await api.deleteAllConversations();
    setConversations([]);
    setTotal(0);
  }, [api]);

  return {
    /** Undefined until the first page arrived. */
    conversations,
    total,
    error,
    /** Whether the server has more than are shown (and the list can still grow). */
    hasMore:
      conversations !== undefined &&
      conversations.length < total &&
      shown.current < 100,
    refresh,
    loadMore,
    rename,
    remove,
    removeAll,
  };
}
