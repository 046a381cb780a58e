import type {
  ChatApprovalRequest,
  ChatToolCall,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { BaseMessage } from '@langchain/core/messages';
import type { ActionTool, ActionTools } from './tools/actionTools';

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
