import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type {
  AiAssistantModel,
  AiAssistantTool,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type {
  ChatToolCall,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { JsonValue } from '@backstage/types';
import {
  AIMessageChunk,
  BaseMessage,
  MessageContent,
  ToolMessage,
} from '@langchain/core/messages';
import type { ToolInvocationObserver } from '../logging/toolInvocations';
import type { ChatEventSink } from './sse';
import type { ToolCallBudget } from './ToolCallBudget';

/** What one answer produced so far; kept by the caller so a stopped answer can be stored. */
export interface AnswerProgress {
  text: string;
  toolCalls: ChatToolCall[];
  usage?: ChatUsage;
  /** Whether the model produced anything yet; after that, a failure is not retried elsewhere. */
  started: boolean;
}

/** The model failed before producing anything, so another model may answer instead. */
export class FailedBeforeFirstTokenError extends Error {
  constructor(
    readonly modelId: string,
    readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'FailedBeforeFirstTokenError';
  }
}

/**
 * Streams one model's answer into the sink: text deltas as they arrive, and rounds of tool
 * calls (each shown as `tool` events) until the model answers without calling tools or
 * `maxSteps` rounds are used up, after which it must answer without tools. Calls the budget
 * refuses are not run and not shown; the model gets the reason as their result.
 */
export async function streamAnswer(options: {
  model: AiAssistantModel;
  messages: BaseMessage[];
  tools: AiAssistantTool[];
  maxSteps: number;
  firstTokenTimeoutMs: number;
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  sink: ChatEventSink;
  signal: AbortSignal;
  progress: AnswerProgress;
  /** Called once, when the model produces its first output. */
  onFirstToken?: () => void;
  /** Told about every tool call, for logs and the audit trail. */
  observeTool?: ToolInvocationObserver;
  /** Which tool calls may run; calls it refuses get its reason as their result. */
  budget?: ToolCallBudget;
}): Promise<void> {
  const { model, tools, sink, signal, progress } = options;
  const chatModel = model.chatModel;
  const bound =
    tools.length > 0 && chatModel.bindTools
      ? chatModel.bindTools(
          tools.map(tool => ({
            name: tool.name,
            description: tool.description,
            schema: tool.schema,
          })),
        )
      : undefined;
  const conversation = [...options.messages];

  for (let step = 0; ; step++) {
    const runnable = bound && step < options.maxSteps ? bound : chatModel;
    const message = await streamOnce(
      attemptSignal => runnable.stream(conversation, { signal: attemptSignal }),
      chunk => {
        const text = textOf(chunk.content);
        if (text) {
          progress.text += text;
          sink.send({ type: 'delta', data: { text } });
        }
      },
    );
    addUsage(progress, message);
    const calls = message?.tool_calls ?? [];
    if (calls.length === 0 || runnable !== bound) {
      return;
    }
    conversation.push(message!);
    for (const [index, call] of calls.entries()) {
      // A refused call still needs a result: every call of a turn must be answered.
      const refusal = await options.budget?.admit(index);
      const result = refusal
        ? { error: refusal }
        : await runTool(tools, call, options, sink);
      conversation.push(
        new ToolMessage({
          content: JSON.stringify(result),
          tool_call_id: call.id ?? call.name,
        }),
      );
    }
  }

  // One model call. Its own abort controller follows the user's stop and also fires when the
  // model takes too long to start, which counts as a failure another model may make up for.
  async function streamOnce(
    start: (
      attemptSignal: AbortSignal,
    ) => Promise<AsyncIterable<AIMessageChunk>>,
    onChunk: (chunk: AIMessageChunk) => void,
  ): Promise<AIMessageChunk | undefined> {
    const attempt = new AbortController();
    const forward = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let timedOut = false;
    const timer = progress.started
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          attempt.abort(new Error('timeout'));
        }, options.firstTokenTimeoutMs);
    let message: AIMessageChunk | undefined;
    try {
      for await (const chunk of await start(attempt.signal)) {
        if (!progress.started) {
          progress.started = true;
          clearTimeout(timer);
          options.onFirstToken?.();
        }
        message = message ? message.concat(chunk) : chunk;
        onChunk(chunk);
      }
      return message;
    } catch (error) {
      signal.throwIfAborted();
      if (!progress.started) {
        throw new FailedBeforeFirstTokenError(
          model.id,
          timedOut
            ? new Error(
                `model ${model.id} did not start answering within ${options.firstTokenTimeoutMs / 1000} seconds`,
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
}

async function runTool(
  tools: AiAssistantTool[],
  call: { name: string; args: Record<string, unknown>; id?: string },
  options: {
    credentials: BackstageCredentials<BackstageUserPrincipal>;
    signal: AbortSignal;
    progress: AnswerProgress;
    observeTool?: ToolInvocationObserver;
  },
  sink: ChatEventSink,
): Promise<JsonValue> {
  const record: ChatToolCall = {
    name: call.name,
    input: call.args,
    status: 'started',
  };
  options.progress.toolCalls.push(record);
  sink.send({ type: 'tool', data: { ...record } });
  const finish = (status: 'succeeded' | 'failed', result: JsonValue) => {
    record.status = status;
    sink.send({ type: 'tool', data: { ...record } });
    return result;
  };
  const tool = tools.find(t => t.name === call.name);
  if (!tool) {
    return finish('failed', { error: `There is no tool named ${call.name}` });
  }
  const input = tool.schema.safeParse(call.args);
  if (!input.success) {
    return finish('failed', { error: `Invalid input: ${input.error.message}` });
  }
  const invocation = await options.observeTool?.({ name: tool.name });
  try {
    const result = await tool.invoke(input.data, {
      credentials: options.credentials,
      signal: options.signal,
    });
    await invocation?.succeeded();
    return finish('succeeded', result);
  } catch (error) {
    await invocation?.failed(
      error instanceof Error ? error : new Error(String(error)),
    );
    options.signal.throwIfAborted();
    return finish('failed', {
      error: `The tool failed: ${error instanceof Error ? error.message : error}`,
    });
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
