import type {
  AiAssistantSource,
  ChatApprovalRequest,
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
  /** The action the answer paused for, and what the user decided about it. */
  approval?: ViewApproval;
}

/**
 * An action waiting for the user's approval, as the page shows it. It stays on screen with the
 * decision while the answer continues, until a reload, when the tool call's chip tells it.
 */
export interface ViewApproval {
  request: ChatApprovalRequest;
  decision?: 'approve' | 'deny';
  /** The decision is on its way and the server has not answered it yet. */
  sending?: boolean;
  /** Why sending the decision failed; the user may decide again. */
  error?: MessageError;
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
  | { type: 'rated'; messageId: string; rating: 'up' | 'down' }
  /** The user decided about the pending action; the answer continues streaming. */
  | { type: 'deciding'; approvalId: string; decision: 'approve' | 'deny' }
  /** The decision was refused before the answer continued: the action is pending again. */
  | { type: 'decisionFailed'; error: MessageError };

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
      return applyEvent(decisionAnswered(state), action.event);
    case 'deciding':
      return updateAwaiting(state, action.approvalId, approval => ({
        status: 'streaming',
        approval: { ...approval, decision: action.decision, sending: true },
      }));
    case 'decisionFailed':
      return updateStreaming(state, message => ({
        status: 'awaiting_approval',
        approval: message.approval && {
          request: message.approval.request,
          error: action.error,
        },
      }));
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
    approval: message.pendingApproval && { request: message.pendingApproval },
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
    case 'approval':
      return updateStreaming(state, () => ({
        approval: { request: event.data },
      }));
    case 'done':
      return updateStreaming(state, () => ({
        id: event.data.messageId,
        status: event.data.status ?? 'complete',
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

// The first event of the continuation means the server took the decision.
function decisionAnswered(state: ChatState): ChatState {
  return updateStreaming(state, message =>
    message.approval?.sending
      ? { approval: { ...message.approval, sending: false } }
      : {},
  );
}

// Only the last message can be waiting: a paused answer ends the exchange.
function updateAwaiting(
  state: ChatState,
  approvalId: string,
  change: (approval: ViewApproval) => Partial<ViewMessage>,
): ChatState {
  const last = state.messages[state.messages.length - 1];
  if (
    !last?.approval ||
    last.status !== 'awaiting_approval' ||
    last.approval.request.id !== approvalId
  ) {
    return state;
  }
  return {
    ...state,
    messages: [
      ...state.messages.slice(0, -1),
      { ...last, ...change(last.approval) },
    ],
  };
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
