import type {
  AiAssistantSource,
  ChatApprovalRequest,
  ChatErrorEventData,
  ChatStreamEvent,
  ChatToolCall,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { ChatEventSink } from './sse';

/** A whole answer, gathered from the events the chat streams to the page. */
export interface CollectedAnswer {
  /** How the answer ended: `awaiting_approval` when it paused for the user's decision. */
  status: 'complete' | 'error' | 'awaiting_approval' | 'unfinished';
  conversationId?: string;
  messageId?: string;
  text: string;
  sources: AiAssistantSource[];
  /** Each tool call once, in its last known state. */
  toolCalls: ChatToolCall[];
  pendingApproval?: ChatApprovalRequest;
  error?: ChatErrorEventData;
  usage?: ChatUsage;
}

/**
 * A {@link ChatEventSink} that keeps the events of one answer instead of streaming them, for
 * callers that want the answer in one piece (the `ask` action). It reads exactly what the
 * page reads, so both see the same answer.
 */
export class AnswerCollector implements ChatEventSink {
  private readonly answer: CollectedAnswer = {
    status: 'unfinished',
    text: '',
    sources: [],
    toolCalls: [],
  };

  send(event: ChatStreamEvent): void {
    const answer = this.answer;
    switch (event.type) {
      case 'conversation':
        answer.conversationId = event.data.conversationId;
        answer.messageId = event.data.messageId;
        break;
      case 'sources':
        answer.sources = event.data.sources;
        break;
      case 'delta':
        answer.text += event.data.text;
        break;
      case 'tool': {
        // A call is reported when it starts and again when it ends: keep its latest state.
        const started = answer.toolCalls.findLastIndex(
          call => call.status === 'started' && call.name === event.data.name,
        );
        if (event.data.status !== 'started' && started >= 0) {
          answer.toolCalls[started] = event.data;
        } else {
          answer.toolCalls.push(event.data);
        }
        break;
      }
      case 'approval':
        answer.pendingApproval = event.data;
        break;
      case 'done':
        answer.status =
          event.data.status === 'awaiting_approval'
            ? 'awaiting_approval'
            : 'complete';
        answer.usage = event.data.usage;
        break;
      case 'error':
        answer.status = 'error';
        answer.error = event.data;
        break;
      default:
        // Events added later do not change what a one-piece answer holds.
        break;
    }
  }

  /** The answer as far as it got. */
  result(): CollectedAnswer {
    return this.answer;
  }
}
