import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { ChatToolCall } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { JsonObject, JsonValue } from '@backstage/types';
import { ToolMessage } from '@langchain/core/messages';
import type { ToolInvocationObserver } from '../logging/toolInvocations';
import type {
  AnswerActions,
  AnswerProgress,
  ApprovalDecision,
} from './answerState';
import type { ChatEventSink } from './sse';
import type { ActionTool } from './tools/actionTools';

/** One call the model made, as LangChain reports it. */
export type ToolCall = {
  name: string;
  args: Record<string, unknown>;
  id?: string;
};

/** What running the tool and action calls of one answer needs. */
export interface ToolCallContext {
  tools: AiAssistantTool[];
  actions?: AnswerActions;
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  sink: ChatEventSink;
  signal: AbortSignal;
  progress: AnswerProgress;
  /** Told about every call that runs, for logs and the audit trail. */
  observeTool?: ToolInvocationObserver;
}

/** The message that gives the model a call's result. */
export function toolResult(call: ToolCall, result: JsonValue): ToolMessage {
  return new ToolMessage({
    content: JSON.stringify(result),
    tool_call_id: call.id ?? call.name,
  });
}

/**
 * Runs a call to one of the plugin's or modules' tools, showing it as `tool` events. An unknown
 * tool, invalid input or a failing tool gives the model an error as the result; only the
 * user's stop ends the answer.
 */
export async function runTool(
  ctx: ToolCallContext,
  call: ToolCall,
): Promise<JsonValue> {
  const finish = showStarted(ctx, {
    name: call.name,
    input: call.args,
    status: 'started',
  });
  const tool = ctx.tools.find(t => t.name === call.name);
  if (!tool) {
    return finish('failed', { error: `There is no tool named ${call.name}` });
  }
  const input = tool.schema.safeParse(call.args);
  if (!input.success) {
    return finish('failed', { error: `Invalid input: ${input.error.message}` });
  }
  return observed(ctx, tool.name, 'tool', finish, () =>
    tool.invoke(input.data, {
      credentials: ctx.credentials,
      signal: ctx.signal,
    }),
  );
}

/** Runs a registry action as the asking user, showing it as `tool` events. */
export async function runAction(
  ctx: ToolCallContext,
  action: ActionTool['action'],
  input: JsonObject,
  approval?: 'approved',
): Promise<JsonValue> {
  const finish = showStarted(ctx, {
    name: action.title || action.id,
    input,
    status: 'started',
    ...(approval && { approval }),
  });
  return observed(ctx, action.id, 'action', finish, () =>
    ctx.actions!.runner.invoke(action.id, input, ctx.credentials),
  );
}

/**
 * The result of the call a paused answer waited on: run as approved, with exactly the input
 * the user saw, or not at all.
 */
export async function runDecided(
  ctx: ToolCallContext,
  resume: ApprovalDecision,
): Promise<JsonValue> {
  const { approval } = resume;
  const record: ChatToolCall = {
    name: `${approval.title}`,
    input: approval.input,
    status: 'failed',
  };
  if (resume.decision === 'denied') {
    show(ctx, { ...record, approval: 'denied' });
    return {
      error: `The user denied running the action ${approval.title} (${approval.actionId}), so it was not run. Do not call it again unless the user asks for it; answer without it.`,
    };
  }
  const action = ctx.actions?.offered.find(
    t => t.action.id === approval.actionId,
  );
  if (!action) {
    show(ctx, { ...record, approval: 'approved' });
    return {
      error: `Not run: the action ${approval.actionId} is no longer offered to this user.`,
    };
  }
  return runAction(ctx, action.action, approval.input, 'approved');
}

type Finish = (status: 'succeeded' | 'failed', result: JsonValue) => JsonValue;

// Stored with the answer and shown to the user as it happens.
function show(ctx: ToolCallContext, record: ChatToolCall): void {
  ctx.progress.toolCalls.push(record);
  ctx.sink.send({ type: 'tool', data: { ...record } });
}

// Shows a call as started; the returned function shows how it ended and passes its result on.
function showStarted(ctx: ToolCallContext, record: ChatToolCall): Finish {
  show(ctx, record);
  return (status, result) => {
    record.status = status;
    ctx.sink.send({ type: 'tool', data: { ...record } });
    return result;
  };
}

// A failing call becomes an error result the model can answer around; the user's stop does not.
async function observed(
  ctx: ToolCallContext,
  name: string,
  kind: 'tool' | 'action',
  finish: Finish,
  run: () => Promise<JsonValue>,
): Promise<JsonValue> {
  const invocation = await ctx.observeTool?.({ name });
  try {
    const result = await run();
    await invocation?.succeeded();
    return finish('succeeded', result);
  } catch (error) {
    await invocation?.failed(
      error instanceof Error ? error : new Error(String(error)),
    );
    ctx.signal.throwIfAborted();
    return finish('failed', {
      error: `The ${kind} failed: ${error instanceof Error ? error.message : error}`,
    });
  }
}
