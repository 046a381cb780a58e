import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';

/** The instruction of title requests; test models recognise title requests by it. */
export const TITLE_INSTRUCTION =
  'Write a short title (at most 6 words) for the conversation below. Reply with the title only, without quotes.';

/** The first words of a message, as a title that needs no model. */
export function fallbackTitle(message: string): string {
  const words = message.trim().split(/\s+/).slice(0, 8).join(' ');
  return words.length > 60 ? `${words.slice(0, 59)}…` : words;
}

/**
 * Names conversations after their first exchange with the model that answered. Titles are
 * never shared or cached: a title summarises an answer built from the sources its user may
 * read, so it belongs to that conversation alone and goes when the conversation is deleted.
 */
export class TitleGenerator {
  constructor(
    private readonly options: {
      logger: LoggerService;
      timeoutMs?: number;
    },
  ) {}

  /** A generated title, or undefined when the model gave none in time. */
  async generate(
    model: AiAssistantModel,
    question: string,
    answer: string,
  ): Promise<string | undefined> {
    try {
      const reply = await model.chatModel.invoke(
        [
          new SystemMessage(TITLE_INSTRUCTION),
          new HumanMessage(
            `Question: ${question.slice(0, 2000)}\n\nAnswer: ${answer.slice(0, 2000)}`,
          ),
        ],
        { signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) },
      );
      return cleanTitle(String(reply.text ?? '')) || undefined;
    } catch (error) {
      this.options.logger.info(
        `Could not generate a conversation title with ${model.id}: ${error}`,
      );
      return undefined;
    }
  }
}

/**
 * The first line of a model's reply without surrounding quotes, markup or final period, at
 * most 80 characters. The reply can be long and crafted (a prompt-injected source), so it is
 * cut to size before the trailing characters are stripped: an expression anchored at the end
 * of a long text backtracks quadratically over runs of those characters.
 */
function cleanTitle(reply: string): string {
  const start = reply.search(/[^"'\s#*]/);
  if (start < 0) {
    return '';
  }
  const line = reply.slice(start, start + 80).split('\n', 1)[0];
  return line.replace(/["'\s*.]+$/, '').trim();
}
