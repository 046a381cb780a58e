import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { aiAssistantApiRef } from '../api';
import { describeError } from '../lib/describeError';
import { describeSendError } from '../lib/sendError';
import { chatReducer, initialChatState, MessageError } from './chatReducer';

/** Callbacks for the page around the chat, e.g. to refresh the conversation list. */
export interface UseChatOptions {
  /** The server created or continued this conversation for a question just asked. */
  onConversation?: (conversationId: string) => void;
  /** An answer finished, however it ended. */
  onSettled?: () => void;
  /**
   * The question got no answer text: it was refused before the answer started, or every
   * model failed. The page puts it back into the composer, so it is not lost.
   */
  onUnanswered?: (question: string) => void;
  /** The server's longest accepted question, to say so when it refuses one (HTTP 413). */
  maxMessageLength?: number;
}

/** How to ask; see {@link useChat}'s `send`. */
export interface SendOptions {
  /**
   * Answer the conversation's last question again, leaving its earlier answer out of what the
   * model sees (the server keeps both).
   */
  regenerate?: boolean;
  /** The catalog entity the question is about (`kind:namespace/name`), e.g. from an entity page. */
  entityRef?: string;
}

let nextKey = 0;
const localKey = (prefix: string) => `${prefix}-${++nextKey}`;

/**
 * The conversation on screen: asking (streamed), stopping, loading a stored conversation,
 * starting afresh and rating answers.
 */
export function useChat(options: UseChatOptions = {}) {
  const api = useApi(aiAssistantApiRef);
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const [streaming, setStreaming] = useState(false);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<MessageError>();
  // Why the last question was not sent; its exchange left the screen (see 'withdrawn').
  const [sendError, setSendError] = useState<MessageError>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const controller = useRef<AbortController>();
  // The conversation being shown or loaded. A ref, not state: it must be current inside
  // callbacks that are still running when the user moves to another conversation.
  const conversationId = useRef<string>();
  const callbacks = useRef(options);
  callbacks.current = options;

  const stop = useCallback(() => controller.current?.abort(), []);

  // Leaving the page closes the request, so the server stops generating too.
  useEffect(() => stop, [stop]);

  const send = useCallback(
    async (
      question: string,
      modelId?: string,
      sendOptions: SendOptions = {},
    ) => {
      if (!question.trim() || controller.current) {
        return;
      }
      const abort = new AbortController();
      controller.current = abort;
      setStreaming(true);
      setLoadError(undefined);
      setSendError(undefined);
      // Whether the server started an answer (and so stored the exchange), and wrote any of it.
      let started = false;
      let answered = false;
      let failed = false;
      dispatch({
        type: 'asked',
        question,
        userKey: localKey('user'),
        assistantKey: localKey('assistant'),
      });
      try {
        const events = api.chat(
          {
            message: question,
            conversationId: conversationId.current,
            modelId,
            ...(sendOptions.regenerate && { regenerate: true }),
            ...(sendOptions.entityRef && { entityRef: sendOptions.entityRef }),
          },
          { signal: abort.signal },
        );
        for await (const event of events) {
          if (abort.signal.aborted) {
            break;
          }
          dispatch({ type: 'event', event });
          started = true;
          answered ||= event.type === 'delta';
          failed ||= event.type === 'error';
          if (event.type === 'conversation') {
            conversationId.current = event.data.conversationId;
            callbacks.current.onConversation?.(event.data.conversationId);
          }
        }
        abort.signal.throwIfAborted();
        dispatch({ type: 'ended' });
        if (failed && !answered) {
          callbacks.current.onUnanswered?.(question);
        }
      } catch (error) {
        const described = describeSendError(error, {
          question,
          maxLength: callbacks.current.maxMessageLength,
          started,
        });
        if (abort.signal.aborted) {
          dispatch({ type: 'aborted' });
        } else if (!started) {
          dispatch({ type: 'withdrawn' });
          setSendError(described);
          callbacks.current.onUnanswered?.(question);
        } else {
          dispatch({ type: 'failed', error: described });
          if (!answered) {
            callbacks.current.onUnanswered?.(question);
          }
        }
      } finally {
        controller.current = undefined;
        setStreaming(false);
        callbacks.current.onSettled?.();
      }
    },
    [api],
  );

  // Continues the paused answer in the same message, stoppable like any answer.
  const decide = useCallback(
    async (approvalId: string, decision: 'approve' | 'deny') => {
      const id = conversationId.current;
      if (!id || controller.current) {
        return;
      }
      const abort = new AbortController();
      controller.current = abort;
      setStreaming(true);
      dispatch({ type: 'deciding', approvalId, decision });
      let started = false;
      try {
        const events = api.decideApproval(id, approvalId, decision, {
          signal: abort.signal,
        });
        for await (const event of events) {
          if (abort.signal.aborted) {
            break;
          }
          dispatch({ type: 'event', event });
          started = true;
        }
        abort.signal.throwIfAborted();
        dispatch({ type: 'ended' });
      } catch (error) {
        if (abort.signal.aborted) {
          dispatch({ type: 'aborted' });
        } else if (!started) {
          dispatch({ type: 'decisionFailed', error: describeError(error) });
        } else {
          dispatch({ type: 'failed', error: describeError(error) });
        }
      } finally {
        controller.current = undefined;
        setStreaming(false);
        callbacks.current.onSettled?.();
      }
    },
    [api],
  );

  const load = useCallback(
    async (id: string) => {
      stop();
      conversationId.current = id;
      setLoading(true);
      setLoadError(undefined);
      setSendError(undefined);
      try {
        const conversation = await api.getConversation(id);
        if (conversationId.current === id) {
          dispatch({ type: 'loaded', conversation });
        }
      } catch (error) {
        if (conversationId.current === id) {
          dispatch({ type: 'reset' });
          setLoadError(describeError(error));
        }
      } finally {
        setLoading(false);
      }
    },
    [api, stop],
  );

  // The oldest message shown is the cursor for the page before it.
  const oldestId = state.messages[0]?.id;
  const loadOlder = useCallback(async () => {
    const id = conversationId.current;
    if (!id || !oldestId) {
      return;
    }
    setLoadingOlder(true);
    try {
      const conversation = await api.getConversation(id, {
        before: oldestId,
      });
      if (conversationId.current === id) {
        dispatch({ type: 'olderLoaded', conversation });
      }
    } catch (error) {
      if (conversationId.current === id) {
        setLoadError(describeError(error));
      }
    } finally {
      setLoadingOlder(false);
    }
  }, [api, oldestId]);

  const reset = useCallback(() => {
    stop();
    conversationId.current = undefined;
    setLoadError(undefined);
    setSendError(undefined);
    dispatch({ type: 'reset' });
  }, [stop]);

  const rate = useCallback(
    async (messageId: string, rating: 'up' | 'down', comment?: string) => {
      await api.rateMessage(
        messageId,
        comment ? { rating, comment } : { rating },
      );
      dispatch({ type: 'rated', messageId, rating });
    },
    [api],
  );

  // Stable, so effects that depend on it run when their other inputs change, not per render.
  const currentConversationId = useCallback(() => conversationId.current, []);

  return {
    conversationId: state.conversationId,
    /** The conversation id the chat is on or is loading, updated before any render. */
    currentConversationId,
    messages: state.messages,
    /** Whether earlier messages of the conversation can be loaded with `loadOlder`. */
    hasOlderMessages: Boolean(state.hasOlderMessages),
    loadingOlder,
    streaming,
    loading,
    loadError,
    /** Why the last question could not be sent; it went back to the composer. */
    sendError,
    dismissSendError: useCallback(() => setSendError(undefined), []),
    send,
    /** Approves or denies the action the last answer paused for; the answer continues. */
    decide,
    stop,
    load,
    loadOlder,
    reset,
    rate,
  };
}
