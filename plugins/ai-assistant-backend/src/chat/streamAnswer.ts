import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type {
  AiAssistantModel,
  AiAssistantTool,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type {
  ChatApprovalRequest,
  ChatToolCall,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { JsonObject, JsonValue } from '@backstage/types';
import {
  AIMessage,
  AIMessageChunk,
  BaseMessage,
  MessageContent,
  ToolMessage,
} from '@langchain/core/messages';
import { randomUUID } from 'node:crypto';
import type { ToolInvocationObserver } from '../logging/toolInvocations';
import type { ChatEventSink } from './sse';
import type { ToolCallBudget } from './ToolCallBudget';
import {
  type ActionTool,
  type ActionTools,
  approvalRequestFor,
  describeActionTool,
  needsApproval,
} from './tools/actionTools';

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

/** Registry actions offered to the model for one answer, and what runs them. */
export interface AnswerActions {
  offered: ActionTool[];
  runner: Pick<ActionTools, 'invoke'>;
}

/** Where a paused answer's model loop stands; stored with the pending approval. */
export interface PausePoint {
  /** Round of tool calls (0-based) the paused call belongs to. */
  step: number;
  /** Index of the paused call among its round's calls. */
  callIndex: number;
  /** Tool calls of the answer the budget had admitted, the paused one included. */
  callsUsed: number;
}

/** An answer paused at an action call that needs the user's approval. */
export interface PausedAnswer {
  approval: ChatApprovalRequest;
  point: PausePoint;
  /**
   * What the model has seen so far: ending with its turn that made the call, and the results
   * of that turn's earlier calls.
   */
  messages: BaseMessage[];
}

/** The user's decision on a paused call, with what the call was. */
export interface ApprovalDecision {
  decision: 'approved' | 'denied';
  approval: ChatApprovalRequest;
  point: PausePoint;
}

/**
 * Streams one model's answer into the sink: text deltas as they arrive, and rounds of tool
 * calls (each shown as `tool` events) until the model answers without calling tools or
 * `maxSteps` rounds are used up, after which it must answer without tools. Calls the budget
 * refuses are not run and not shown; the model gets the reason as their result.
 *
 * Actions that are not read-only are not run: the answer pauses at the first such call and
 * this returns a {@link PausedAnswer}. With `resume`, it continues a paused answer from the
 * user's decision: runs the call (approved) or tells the model it was denied, then the rest
 * of that round's calls, then the loop as usual.
 */
export async function streamAnswer(options: {
  model: AiAssistantModel;
  messages: BaseMessage[];
  tools: AiAssistantTool[];
  /** Registry actions offered as tools besides `tools`. */
  actions?: AnswerActions;
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
  /** Continues a paused answer; `messages` are then the paused answer's. */
  resume?: ApprovalDecision;
}): Promise<PausedAnswer | undefined> {
  const { model, tools, sink, signal, progress } = options;
  const actionTools = options.actions?.offered ?? [];
  const chatModel = model.chatModel;
  const definitions = [
    ...tools.map(tool => ({
      name: tool.name,
      description: tool.description,
      schema: tool.schema,
    })),
    ...actionTools.map(tool => ({
      name: tool.name,
      description: describeActionTool(tool),
      schema: tool.inputSchema,
    })),
  ];
  const bound =
    definitions.length > 0 && chatModel.bindTools
      ? chatModel.bindTools(definitions)
      : undefined;
  const conversation = [...options.messages];

  let step = 0;
  if (options.resume) {
    const { point } = options.resume;
    const turn = [...conversation]
      .reverse()
      .find((m): m is AIMessage => m.getType() === 'ai');
    const calls = turn?.tool_calls ?? [];
    const call = calls[point.callIndex];
    if (!call) {
      throw new Error('The paused answer has no call to continue from');
    }
    conversation.push(
      toolResult(call, await decided(options.resume, actionTools)),
    );
    const paused = await runRound(calls, point.callIndex + 1, point.step);
    if (paused) {
      return paused;
    }
    step = point.step + 1;
  }

  for (; ; step++) {
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
      return undefined;
    }
    conversation.push(message!);
    const paused = await runRound(calls, 0, step);
    if (paused) {
      return paused;
    }
  }

  // Runs a round's calls from `start`; stops at the first action that needs approval.
  async function runRound(
    calls: ToolCall[],
    start: number,
    round: number,
  ): Promise<PausedAnswer | undefined> {
    for (let index = start; index < calls.length; index++) {
      const call = calls[index];
      // A refused call still needs a result: every call of a turn must be answered.
      const refusal = await options.budget?.admit(index);
      const action = actionTools.find(t => t.name === call.name);
      if (!refusal && action && needsApproval(action.action)) {
        return {
          approval: approvalRequestFor(
            randomUUID(),
            action.action,
            call.args as JsonObject,
          ),
          point: {
            step: round,
            callIndex: index,
            callsUsed: options.budget?.callsUsed ?? 0,
          },
          messages: [...conversation],
        };
      }
      let result: JsonValue;
      if (refusal) {
        result = { error: refusal };
      } else if (action) {
        result = await runAction(action.action, call.args as JsonObject);
      } else {
        result = await runTool(tools, call, options, sink);
      }
      conversation.push(toolResult(call, result));
    }
    return undefined;
  }

  // The decided call: run as approved, with exactly the input the user saw, or not at all.
  async function decided(
    resume: ApprovalDecision,
    offered: ActionTool[],
  ): Promise<JsonValue> {
    const { approval } = resume;
    const name = `${approval.title}`;
    if (resume.decision === 'denied') {
      const record: ChatToolCall = {
        name,
        input: approval.input,
        status: 'failed',
        approval: 'denied',
      };
      progress.toolCalls.push(record);
      sink.send({ type: 'tool', data: { ...record } });
      return {
        error: `The user denied running the action ${approval.title} (${approval.actionId}), so it was not run. Do not call it again unless the user asks for it; answer without it.`,
      };
    }
    const action = offered.find(t => t.action.id === approval.actionId);
    if (!action) {
      const record: ChatToolCall = {
        name,
        input: approval.input,
        status: 'failed',
        approval: 'approved',
      };
      progress.toolCalls.push(record);
      sink.send({ type: 'tool', data: { ...record } });
      return {
        error: `Not run: the action ${approval.actionId} is no longer offered to this user.`,
      };
    }
    return runAction(action.action, approval.input, 'approved');
  }

  async function runAction(
    action: ActionTool['action'],
    input: JsonObject,
    approval?: 'approved',
  ): Promise<JsonValue> {
    const record: ChatToolCall = {
      name: action.title || action.id,
      input,
      status: 'started',
      ...(approval && { approval }),
    };
    progress.toolCalls.push(record);
    sink.send({ type: 'tool', data: { ...record } });
    const finish = (status: 'succeeded' | 'failed', result: JsonValue) => {
      record.status = status;
      sink.send({ type: 'tool', data: { ...record } });
      return result;
    };
    const invocation = await options.observeTool?.({ name: action.id });
    try {
      const output = await options.actions!.runner.invoke(
        action.id,
        input,
        options.credentials,
      );
      await invocation?.succeeded();
      return finish('succeeded', output);
    } catch (error) {
      await invocation?.failed(
        error instanceof Error ? error : new Error(String(error)),
      );
      signal.throwIfAborted();
      return finish('failed', {
        error: `The action failed: ${error instanceof Error ? error.message : error}`,
      });
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

type ToolCall = { name: string; args: Record<string, unknown>; id?: string };

function toolResult(call: ToolCall, result: JsonValue): ToolMessage {
  return new ToolMessage({
    content: JSON.stringify(result),
    tool_call_id: call.id ?? call.name,
  });
}

async function runTool(
  tools: AiAssistantTool[],
  call: ToolCall,
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
