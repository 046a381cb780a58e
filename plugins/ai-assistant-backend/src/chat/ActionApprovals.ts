import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ChatErrorEventData,
  ChatMessage,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { randomUUID } from 'node:crypto';
import type { ChatSettings } from '../config';
import type {
  ActionApprovalStore,
  DecidedApproval,
  FinishedAnswer,
} from '../database/ActionApprovalStore';
import type { ConversationStore } from '../database/ConversationStore';
import { observeToolInvocations } from '../logging/toolInvocations';
import {
  type AiAssistantMetrics,
  noopMetrics,
} from '../metrics/AiAssistantMetrics';
import { audited } from '../logging/audited';
import { chatFailure, FAILURE_MESSAGES } from './failures';
import type { ModelRouter } from './ModelRouter';
import type { ChatEventSink } from './sse';
import type { AnswerProgress, PausedAnswer } from './answerState';
import { streamAnswer } from './streamAnswer';
import type { ToolSet } from './ToolSet';
import type { UsageRecorder } from './UsageRecorder';

/**
 * The approval step of answers that call actions which are not read-only: stores a paused
 * answer's pending call, takes the owner's decision once (audited as `action-approval`), and
 * continues the model loop from it, streaming into the same assistant message.
 */
export class ActionApprovals {
  constructor(
    private readonly options: {
      approvals: ActionApprovalStore;
      conversations: ConversationStore;
      models: ModelRouter;
      tools: ToolSet;
      settings: ChatSettings;
      logger: LoggerService;
      auditor?: AuditorService;
      metrics?: AiAssistantMetrics;
      /** Records the answer's new totals and outcome once it goes on after the decision. */
      usage?: UsageRecorder;
    },
  ) {}

  /**
   * Stores the pending call of an answer that paused (its message is stored already) and
   * tells the page: an `approval` event, then `done` with status `awaiting_approval`.
   */
  async pause(
    sink: ChatEventSink,
    answer: {
      conversationId: string;
      messageId: string;
      modelId: string;
      paused: PausedAnswer;
      usage?: ChatUsage;
    },
  ): Promise<void> {
    const { paused } = answer;
    await this.options.approvals.add({
      approval: paused.approval,
      conversationId: answer.conversationId,
      messageId: answer.messageId,
      modelId: answer.modelId,
      point: paused.point,
      messages: paused.messages,
    });
    sink.send({ type: 'approval', data: paused.approval });
    sink.send({
      type: 'done',
      data: {
        messageId: answer.messageId,
        usage: answer.usage,
        status: 'awaiting_approval',
      },
    });
  }

  /** The messages with the pending approval of each paused one (GET /conversations/:id). */
  withPendingApprovals(messages: ChatMessage[]): Promise<ChatMessage[]> {
    return this.options.approvals.withPendingApprovals(messages);
  }

  /**
   * Refuses (409) a new question in a conversation whose last answer waits for a decision:
   * the model loop is paused in the middle of a turn, and a question in between would leave
   * the call unanswered. The user approves or denies first.
   */
  async refuseWhilePending(conversationId: string | undefined): Promise<void> {
    if (!conversationId) return;
    const pending = await this.options.approvals.pendingIn(conversationId);
    if (pending) {
      throw new ConflictError(
        `This conversation waits for your decision on running ${pending.title} (${pending.actionId}); approve or deny it before asking something else.`,
      );
    }
  }

  /**
   * Records the owner's decision on a pending approval, exactly once. NotFoundError for a
   * conversation that is not the user's or an approval it does not have, ConflictError when
   * it was decided already. Every decision taken or refused as too late is audited.
   */
  async decide(
    conversationId: string,
    approvalId: string,
    decision: 'approve' | 'deny',
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    auditor: AuditorService | undefined = this.options.auditor,
  ): Promise<DecidedApproval> {
    const { approvals, conversations } = this.options;
    await conversations.getConversation(
      conversationId,
      credentials.principal.userEntityRef,
    );
    const found = await approvals.find(conversationId, approvalId);
    if (!found) {
      throw new NotFoundError(`Approval ${approvalId} not found`);
    }
    const decided = decision === 'approve' ? 'approved' : 'denied';
    return audited(
      auditor,
      {
        eventId: 'action-approval',
        severityLevel: 'medium',
        meta: {
          actionId: found.actionId,
          decision: decided,
          conversationId,
          approvalId,
        },
      },
      async () => {
        const pending = await approvals.decide(
          conversationId,
          approvalId,
          decided,
        );
        if (!pending) {
          throw new ConflictError(
            `Running ${found.actionId} was already ${found.decided ? 'decided' : 'being decided'}; each approval is decided once.`,
          );
        }
        return pending;
      },
    );
  }

  /**
   * Continues a decided answer: the approved call runs (with exactly the input the user saw)
   * or the model is told it was denied, and the model goes on from there. Streams `tool`,
   * `delta`, then `done` (possibly paused again, after an `approval` event) or `error`, and
   * writes the result over the paused message.
   */
  async continueAnswer(
    decided: DecidedApproval,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    sink: ChatEventSink,
    signal: AbortSignal,
    auditor: AuditorService | undefined = this.options.auditor,
  ): Promise<void> {
    const { models, tools, settings, logger, approvals } = this.options;
    const metrics = this.options.metrics ?? noopMetrics;
    const { conversationId, messageId } = decided;
    const userRef = credentials.principal.userEntityRef;
    const progress: AnswerProgress = {
      text: decided.answer.content,
      toolCalls: decided.answer.toolCalls,
      usage: decided.answer.usage,
      // The answer started before it paused; a failure now is not handed to another model.
      started: true,
    };
    const finish = async (
      result: Pick<FinishedAnswer, 'status' | 'error' | 'errorCode'>,
    ) => {
      await approvals.finishMessage(conversationId, messageId, {
        content: progress.text,
        modelId: decided.modelId,
        toolCalls: progress.toolCalls,
        usage: progress.usage,
        ...result,
      });
      await this.options.usage?.record({
        messageId,
        userRef,
        modelId: decided.modelId,
        candidates: [],
        status: result.status,
        prompt: decided.messages,
        answer: progress.text,
        usage: progress.usage,
        usageBefore: decided.answer.usage,
      });
    };
    const fail = async (error: ChatErrorEventData) => {
      await finish({
        status: 'error',
        error: error.message,
        errorCode: error.code,
      });
      sink.send({ type: 'error', data: error });
    };
    const model = (await models.listModels()).find(
      m => m.id === decided.modelId,
    );
    if (!model) {
      const errorId = randomUUID();
      logger.warn(
        `AI assistant cannot continue an answer after its approval (error id ${errorId}): model ${decided.modelId} is no longer configured under aiAssistant.models.`,
        { errorId },
      );
      await fail(
        chatFailure(
          'models_unavailable',
          FAILURE_MESSAGES.unavailable,
          errorId,
        ),
      );
      return;
    }
    const usageBefore = { ...progress.usage };
    const outcome = await models.firstAnswer(
      [model],
      async () =>
        streamAnswer({
          model,
          messages: decided.messages,
          tools: await tools.forUser(credentials),
          actions: await tools.actionsForUser(credentials),
          maxSteps: settings.tools.maxSteps,
          budget: tools.budget(userRef, decided.point.callsUsed),
          firstTokenTimeoutMs: settings.firstTokenTimeoutSeconds * 1000,
          credentials,
          sink,
          signal,
          progress,
          observeTool: observeToolInvocations({
            logger,
            auditor,
            userRef,
            conversationId,
            modelId: model.id,
          }),
          resume: {
            decision: decided.decision,
            approval: decided.approval,
            point: decided.point,
          },
        }),
      signal,
    );
    if (outcome.kind === 'aborted') {
      await finish({ status: 'aborted' });
      return;
    }
    if (outcome.kind === 'failed') {
      await fail(outcome.error);
      return;
    }
    metrics.tokenUsage(
      model.id,
      (progress.usage?.inputTokens ?? 0) - (usageBefore.inputTokens ?? 0),
      (progress.usage?.outputTokens ?? 0) - (usageBefore.outputTokens ?? 0),
    );
    const paused = outcome.result;
    if (paused) {
      await finish({ status: 'awaiting_approval' });
      await this.pause(sink, {
        conversationId,
        messageId,
        modelId: model.id,
        paused,
        usage: progress.usage,
      });
      return;
    }
    await finish({ status: 'complete' });
    sink.send({ type: 'done', data: { messageId, usage: progress.usage } });
  }
}
