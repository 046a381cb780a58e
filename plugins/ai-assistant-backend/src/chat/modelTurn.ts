import type { AIMessageChunk, MessageContent } from '@langchain/core/messages';
import {
  type AnswerProgress,
  FailedBeforeFirstTokenError,
} from './answerState';
import type { ChatEventSink } from './sse';

/** Starts one streamed model call; `signal` aborts it. */
export type StartModelCall = (
  signal: AbortSignal,
) => Promise<AsyncIterable<AIMessageChunk>>;

/**
 * One model call of an answer: streams its text into the sink and the progress as it arrives,
 * adds its token usage, and returns the whole message (with any tool calls).
 *
 * The call's own abort controller follows the user's stop and also fires when the model takes
 * longer than `firstTokenTimeoutMs` to start, which (like any failure before the answer's first
 * output) throws {@link FailedBeforeFirstTokenError}: another model may make up for it.
 */
export async function streamModelTurn(options: {
  modelId: string;
  start: StartModelCall;
  sink: ChatEventSink;
  signal: AbortSignal;
  progress: AnswerProgress;
  firstTokenTimeoutMs: number;
  /** Called once, when the model produces the answer's first output. */
  onFirstToken?: () => void;
}): Promise<AIMessageChunk | undefined> {
  const { modelId, signal, progress, firstTokenTimeoutMs } = options;
  const attempt = new AbortController();
  const forward = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  let timedOut = false;
  const timer = progress.started
    ? undefined
    : setTimeout(() => {
        timedOut = true;
        attempt.abort(new Error('timeout'));
      }, firstTokenTimeoutMs);
  let message: AIMessageChunk | undefined;
  try {
    for await (const chunk of await options.start(attempt.signal)) {
      if (!progress.started) {
        progress.started = true;
        clearTimeout(timer);
        options.onFirstToken?.();
      }
      message = message ? message.concat(chunk) : chunk;
      const text = textOf(chunk.content);
      if (text) {
        progress.text += text;
        options.sink.send({ type: 'delta', data: { text } });
      }
    }
    addUsage(progress, message);
    return message;
  } catch (error) {
    signal.throwIfAborted();
    if (!progress.started) {
      throw new FailedBeforeFirstTokenError(
        modelId,
        timedOut
          ? new Error(
              `model ${modelId} did not start answering within ${firstTokenTimeoutMs / 1000} seconds`,
            )
          : error,
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}

function textOf(content: MessageContent): string {
  if (typeof content === 'string') {
    return content;
  }
  return content
    .map(part =>
      part.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

function addUsage(progress: AnswerProgress, message?: AIMessageChunk) {
  const usage = message?.usage_metadata;
  if (!usage) {
    return;
  }
  const sum = (a?: number, b?: number) => (a ?? 0) + (b ?? 0);
  progress.usage = {
    inputTokens: sum(progress.usage?.inputTokens, usage.input_tokens),
    outputTokens: sum(progress.usage?.outputTokens, usage.output_tokens),
    totalTokens: sum(progress.usage?.totalTokens, usage.total_tokens),
  };
}
