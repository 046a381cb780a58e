import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type {
  AiAssistantModel,
  AiAssistantTool,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { JsonObject, JsonValue } from '@backstage/types';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { randomUUID } from 'node:crypto';
import type { ToolInvocationObserver } from '../logging/toolInvocations';
import type {
  AnswerActions,
  AnswerProgress,
  ApprovalDecision,
  PausedAnswer,
} from './answerState';
import { streamModelTurn } from './modelTurn';
import type { ChatEventSink } from './sse';
import {
  runAction,
  runDecided,
  runTool,
  type ToolCall,
  type ToolCallContext,
  toolResult,
} from './toolCalls';
import type { ToolCallBudget } from './ToolCallBudget';
import {
  approvalRequestFor,
  describeActionTool,
  needsApproval,
} from './tools/actionTools';

export {
  type AnswerActions,
  type AnswerProgress,
  type ApprovalDecision,
  FailedBeforeFirstTokenError,
  type PausedAnswer,
  type PausePoint,
} from './answerState';

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
  const { model, tools } = options;
  const actionTools = options.actions?.offered ?? [];
  const ctx: ToolCallContext = options;
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
    conversation.push(toolResult(call, await runDecided(ctx, options.resume)));
    const paused = await runRound(calls, point.callIndex + 1, point.step);
    if (paused) {
      return paused;
    }
    step = point.step + 1;
  }

  for (; ; step++) {
    const runnable = bound && step < options.maxSteps ? bound : chatModel;
    const message = await streamModelTurn({
      ...options,
      modelId: model.id,
      start: signal => runnable.stream(conversation, { signal }),
    });
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
        result = await runAction(ctx, action.action, call.args as JsonObject);
      } else {
        result = await runTool(ctx, call);
      }
      conversation.push(toolResult(call, result));
    }
    return undefined;
  }
}
