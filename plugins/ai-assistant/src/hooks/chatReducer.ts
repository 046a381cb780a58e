import type {
  AiAssistantSource,
  ChatErrorCode,
  ChatMessageStatus,
  ChatStreamEvent,
  ChatToolCall,
  ConversationDetails,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** Why a message failed, in words for the user; `code` tells the kind of failure. */
export interface MessageError {
  message: string;
  code?: ChatErrorCode | 'rate_limited' | 'request_failed' | 'incomplete';
}

/** A message as the page shows it, whether loaded, sent or still streaming in. */
export interface ViewMessage {
  /** Stable React key: a local id until the server names the message. */
  key: string;
  /** The server's id; assistant messages get it from the `conversation` event. */
  id?: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'streaming' | ChatMessageStatus;
  sources: AiAssistantSource[];
  toolCalls: ChatToolCall[];
  error?: MessageError;
  rating?: 'up' | 'down';
}

/** The conversation on screen. */
export interface ChatState {
  conversationId?: string;
  messages: ViewMessage[];
  /** Whether the server holds messages older than the first one shown. */
  hasOlderMessages?: boolean;
}

/** What can happen to the conversation on screen. */
export type ChatAction =
  | { type: 'reset' }
  | { type: 'loaded'; conversation: ConversationDetails }
  /** A page of messages older than those shown. */
  | { type: 'olderLoaded'; conversation: ConversationDetails }
  | { type: 'asked'; question: string; userKey: string; assistantKey: string }
  | { type: 'event'; event: ChatStreamEvent }
  | { type: 'failed'; error: MessageError }
  /**
   * The question was refused before the server started an answer (e.g. HTTP 413): the server
   * stored nothing, so the exchange leaves the screen and the question returns to the composer.
   */
  | { type: 'withdrawn' }
  | { type: 'aborted' }
  /** The stream closed; an answer still streaming then was cut off. */
  | { type: 'ended' }
  | { type: 'rated'; messageId: string; rating: 'up' | 'down' };

/** The empty state: a new conversation. */
export const initialChatState: ChatState = { messages: [] };

/** Applies one action; the answer being streamed is always the last message. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'reset':
      return initialChatState;
    case 'loaded':
      return {
        conversationId: action.conversation.id,
        messages: action.conversation.messages.map(toViewMessage),
        hasOlderMessages: action.conversation.hasOlderMessages,
      };
    case 'olderLoaded': {
      if (action.conversation.id !== state.conversationId) {
        return state;
      }
      const shown = new Set(state.messages.map(message => message.id));
      return {
        ...state,
        messages: [
          ...action.conversation.messages
            .filter(message => !shown.has(message.id))
            .map(toViewMessage),
          ...state.messages,
        ],
        hasOlderMessages: action.conversation.hasOlderMessages,
      };
    }
    case 'asked':
      return {
        ...state,
        messages: [
          ...state.messages,
          newMessage(action.userKey, 'user', action.question, 'complete'),
          newMessage(action.assistantKey, 'assistant', '', 'streaming'),
        ],
      };
    case 'event':
      return applyEvent(state, action.event);
    case 'failed':
      return updateStreaming(state, () => ({
        status: 'error',
        error: action.error,
      }));
    case 'withdrawn': {
      const last = state.messages[state.messages.length - 1];
      return last?.role === 'assistant' && last.status === 'streaming'
        ? { ...state, messages: state.messages.slice(0, -2) }
        : state;
    }
    case 'aborted':
      return updateStreaming(state, () => ({ status: 'aborted' }));
    case 'ended':
      return updateStreaming(state, () => ({
        status: 'error',
        error: {
          code: 'incomplete',
          message:
            'The connection closed before the answer was complete. Try asking again.',
        },
      }));
    case 'rated':
      return {
        ...state,
        messages: state.messages.map(message =>
          message.id === action.messageId
            ? { ...message, rating: action.rating }
            : message,
        ),
      };
    default:
      return state;
  }
}

function toViewMessage(
  message: ConversationDetails['messages'][number],
): ViewMessage {
  return {
    key: message.id,
    id: message.id,
    role: message.role,
    content: message.content,
    status: message.status,
    sources: message.sources,
    toolCalls: message.toolCalls,
    error: message.error
      ? { message: message.error, code: message.errorCode }
      : undefined,
    // A reloaded answer shows the thumb the user chose.
    rating: message.feedback?.rating,
  };
}

function applyEvent(state: ChatState, event: ChatStreamEvent): ChatState {
  switch (event.type) {
    case 'conversation':
      return updateStreaming(
        { ...state, conversationId: event.data.conversationId },
        () => ({ id: event.data.messageId }),
      );
    case 'sources':
      return updateStreaming(state, () => ({ sources: event.data.sources }));
    case 'delta':
      return updateStreaming(state, message => ({
        content: message.content + event.data.text,
      }));
    case 'tool':
      return updateStreaming(state, message => ({
        toolCalls: upsertToolCall(message.toolCalls, event.data),
      }));
    case 'done':
      return updateStreaming(state, () => ({
        id: event.data.messageId,
        status: 'complete',
      }));
    case 'error':
      return updateStreaming(state, () => ({
        status: 'error',
        error: { message: event.data.message, code: event.data.code },
      }));
    default:
      return state;
  }
}

// A finished call arrives as a second event for the same call: it replaces the started one.
function upsertToolCall(
  calls: ChatToolCall[],
  call: ChatToolCall,
): ChatToolCall[] {
  if (call.status !== 'started') {
    const index = calls.findIndex(
      c => c.name === call.name && c.status === 'started',
    );
    if (index !== -1) {
      return calls.map((c, i) => (i === index ? call : c));
    }
  }
  return [...calls, call];
}

function updateStreaming(
  state: ChatState,
  change: (message: ViewMessage) => Partial<ViewMessage>,
): ChatState {
  const last = state.messages[state.messages.length - 1];
  if (!last || last.role !== 'assistant' || last.status !== 'streaming') {
    return state;
  }
  return {
    ...state,
    messages: [...state.messages.slice(0, -1), { ...last, ...change(last) }],
  };
}

function newMessage(
  key: string,
  role: ViewMessage['role'],
  content: string,
  status: ViewMessage['status'],
): ViewMessage {
  return { key, role, content, status, sources: [], toolCalls: [] };
}
