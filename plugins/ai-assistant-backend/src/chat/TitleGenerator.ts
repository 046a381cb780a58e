import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { createHash } from 'node:crypto';

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
 * cached by question, so the many users who open with the same question cost one model call.
 */
export class TitleGenerator {
  constructor(
    private readonly options: {
      cache: CacheService;
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
    const key = `title:${model.id}:${createHash('sha256').update(question).digest('hex')}`;
    const cached = await this.options.cache.get<string>(key);
    if (typeof cached === 'string') {
      return cached;
    }
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
      const title = String(reply.text ?? '')
        .replace(/^["'\s#*]+|["'\s*.]+$/g, '')
        .split('\n')[0]
        .slice(0, 80)
        .trim();
      if (!title) {
        return undefined;
      }
      await this.options.cache.set(key, title, { ttl: { days: 7 } });
      return title;
    } catch (error) {
      this.options.logger.info(
        `Could not generate a conversation title with ${model.id}: ${error}`,
      );
      return undefined;
    }
  }
}
