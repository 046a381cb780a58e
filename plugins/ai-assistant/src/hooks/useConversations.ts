import type { ConversationSummary } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useEffect, useRef, useState } from 'react';
import { aiAssistantApiRef } from '../api';
import { describeError } from '../lib/describeError';
import type { MessageError } from './chatReducer';

const PAGE_SIZE = 30;

/** Whether `a` comes after `b` in the list's order (last activity, then id, descending). */
function isOlder(a: ConversationSummary, b: ConversationSummary): boolean {
  return a.updatedAt === b.updatedAt ? a.id < b.id : a.updatedAt < b.updatedAt;
}

/**
 * The caller's conversations, most recently active first, with the actions of the conversation
 * list. Pages by the server's cursor, so every conversation can be reached, and searches by
 * title on the server, so a search finds conversations that are not loaded yet.
 */
export function useConversations() {
  const api = useApi(aiAssistantApiRef);
  const [conversations, setConversations] = useState<ConversationSummary[]>();
  const [total, setTotal] = useState(0);
  const [nextCursor, setNextCursor] = useState<string>();
  const [error, setError] = useState<MessageError>();
  const [query, setQuery] = useState('');
  // The search the shown list belongs to: a refresh for the same search keeps the older pages
  // the user loaded, a new search starts over.
  const shownQuery = useRef<string>();
  // Answers and refreshes overlap; only the latest request may set the list.
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const request = ++latest.current;
    try {
      const page = await api.listConversations({
        limit: PAGE_SIZE,
        q: query || undefined,
      });
      if (request !== latest.current) {
        return;
      }
      const keepLoaded = shownQuery.current === query && page.nextCursor;
      shownQuery.current = query;
      const fresh = page.conversations;
      const last = fresh[fresh.length - 1];
      setConversations(list => {
        if (!keepLoaded || !list || !last) {
          return fresh;
        }
        // Pages loaded beyond the first stay, minus what the first page now holds.
        const ids = new Set(fresh.map(c => c.id));
        return [
          ...fresh,
          ...list.filter(c => !ids.has(c.id) && isOlder(c, last)),
        ];
      });
      setNextCursor(cursor =>
        keepLoaded && cursor !== undefined ? cursor : page.nextCursor,
      );
      setTotal(page.total);
      setError(undefined);
    } catch (e) {
      if (request === latest.current) {
        setError(describeError(e));
      }
    }
  }, [api, query]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  const loadMore = useCallback(async () => {
    if (nextCursor === undefined) {
      return;
    }
    const forQuery = query;
    try {
      const page = await api.listConversations({
        limit: PAGE_SIZE,
        q: forQuery || undefined,
        before: nextCursor,
      });
      // A new search meanwhile replaced the list: these belong to the old one.
      if (shownQuery.current !== forQuery) {
        return;
      }
      setConversations(list => {
        const ids = new Set(list?.map(c => c.id));
        return [
          ...(list ?? []),
          ...page.conversations.filter(c => !ids.has(c.id)),
        ];
      });
      setNextCursor(page.nextCursor);
      setError(undefined);
    } catch (e) {
      setError(describeError(e));
    }
  }, [api, nextCursor, query]);

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
    setNextCursor(undefined);
    setTotal(0);
  }, [api]);

  return {
    /** Undefined until the first page arrived. */
    conversations,
    total,
    error,
    /** Whether the server has older conversations than are shown. */
    hasMore: conversations !== undefined && nextCursor !== undefined,
    /** The title search the list shows; empty for all. */
    query,
    /** Shows the conversations whose title contains `text` (all when it is blank). */
    search: useCallback((text: string) => setQuery(text.trim()), []),
    refresh,
    loadMore,
    rename,
    remove,
    removeAll,
  };
}
