import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ChatMessageStatus,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { BaseMessage } from '@langchain/core/messages';
import type { UsageStore } from '../database/UsageStore';
import {
  type AiAssistantMetrics,
  noopMetrics,
} from '../metrics/AiAssistantMetrics';
import { approximateTokens } from './PromptBuilder';

/** One finished answer, as the chat service knows it. */
export interface FinishedAnswer {
  messageId: string;
  userRef: string;
  /** The model that answered (or failed last); answers no model was asked for are not recorded. */
  modelId?: string;
  /** The models the answer could use, in order; a later one answering means a fallback. */
  candidates: string[];
  status: ChatMessageStatus;
  /** The prompt sent to the model, to estimate its tokens when the provider reports none. */
  prompt: BaseMessage[];
  /** The answer's text, to estimate its tokens when the provider reports none. */
  answer: string;
  /** What the provider reported, summed over the answer's model calls. */
  usage?: ChatUsage;
  /**
   * For an answer recorded again as it goes on (after an action's approval): what its first
   * part reported, already in the token metric.
   */
  usageBefore?: ChatUsage;
}

/**
 * Records the usage of each answer for the usage report and the token budget, and its tokens
 * as `gen_ai.client.token.usage`. Tokens come from the provider's usage data; where a provider
 * reports none for a side (0 or missing, e.g. an Ollama whose prompt was cached, or an answer
 * stopped before the provider's last chunk), that side is estimated at four characters a token
 * of the prompt or answer text and the answer is marked estimated. Tool call rounds and title
 * generation are not in the estimate.
 */
export class UsageRecorder {
  constructor(
    private readonly options: {
      store: UsageStore;
      logger: LoggerService;
      metrics?: AiAssistantMetrics;
    },
  ) {}

  /** Records one answer. Never throws: losing a usage row must not fail the user's answer. */
  async record(answer: FinishedAnswer): Promise<void> {
    if (!answer.modelId) {
      return;
    }
    const reportedIn = answer.usage?.inputTokens ?? 0;
    const reportedOut = answer.usage?.outputTokens ?? 0;
    const inputTokens =
      reportedIn > 0
        ? reportedIn
        : approximateTokens(promptText(answer.prompt));
    const outputTokens =
      reportedOut > 0 ? reportedOut : approximateTokens(answer.answer);
    const estimated =
      reportedIn === 0 || (reportedOut === 0 && outputTokens > 0);
    // Only what the provider reported: the metric is the providers' count, estimates are not.
    (this.options.metrics ?? noopMetrics).genAiTokenUsage(
      answer.modelId,
      reportedIn - (answer.usageBefore?.inputTokens ?? 0),
      reportedOut - (answer.usageBefore?.outputTokens ?? 0),
    );
    try {
      await this.options.store.record({
        messageId: answer.messageId,
        userRef: answer.userRef,
        modelId: answer.modelId,
        inputTokens,
        outputTokens,
        estimated,
        status: answer.status,
        fallback:
          answer.candidates.length > 0 &&
          answer.candidates[0] !== answer.modelId,
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not record the AI assistant usage of message ${answer.messageId}: ${error}`,
      );
    }
  }
}

function promptText(messages: BaseMessage[]): string {
  return messages
    .map(message =>
      typeof message.content === 'string'
        ? message.content
        : JSON.stringify(message.content),
    )
    .join('\n');
}
