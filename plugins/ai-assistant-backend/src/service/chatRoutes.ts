import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantChatPermission,
  approvalDecisionRequestSchema,
  chatRequestSchema,
  feedbackRequestSchema,
  getConversationQuerySchema,
  listConversationsQuerySchema,
  renameConversationRequestSchema,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { NotFoundError, toError } from '@backstage/errors';
import type express from 'express';
import { randomUUID } from 'node:crypto';
import type { ActionApprovals } from '../chat/ActionApprovals';
import type { ChatService } from '../chat/ChatService';
import type { ExampleQuestions } from '../chat/ExampleQuestions';
import type { ModelRouter } from '../chat/ModelRouter';
import { chatFailure, FAILURE_MESSAGES } from '../chat/failures';
import type { ChatEventSink } from '../chat/sse';
import { SseWriter } from './SseWriter';
import type { ConversationStore } from '../database/ConversationStore';
import type { UsageStore } from '../database/UsageStore';
import { audited } from '../logging/audited';
import { auditorFor } from './auditorFor';
import { parse, rejectQuery, singleValues } from './parseInput';
import { RateLimitedError, type RateLimiter } from '../chat/RateLimiter';
import type { PermissionGuard } from './requirePermission';

/** What the chat routes delegate to. */
export interface ChatRoutesOptions {
  requirePermission: PermissionGuard;
  logger: LoggerService;
  /**
   * Records conversation deletions, and is handed to the chat classes bound to each request,
   * so their tool calls and approval decisions name the user and client.
   */
  auditor?: AuditorService;
  chat: ChatService;
  models: ModelRouter;
  examples: ExampleQuestions;
  conversations: ConversationStore;
  /** Per-user limit of `POST /chat`; none when left out. */
  rateLimiter?: RateLimiter;
  /** Decisions on actions that paused an answer; without it, the approval route answers 404. */
  approvals?: ActionApprovals;
  /** Keeps ratings with the answers' usage, for the usage report. */
  usage?: UsageStore;
}

/**
 * Adds `/models`, `/chat`, `/conversations` and `/messages/:id/feedback`. Every route needs a
 * signed-in user with the `ai-assistant.chat` permission, and only ever sees that user's data.
 */
export function addChatRoutes(
  router: express.Router,
  options: ChatRoutesOptions,
): void {
  const {
    requirePermission,
    logger,
    chat,
    models,
    examples,
    conversations,
    auditor,
  } = options;

  // Before any parsing or database work, so a flood costs as little as possible.
  const takeChatRequest = async (res: express.Response, userRef: string) => {
    try {
      await options.rateLimiter?.take(userRef);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
  };

  const chatUser = (req: express.Request) =>
    requirePermission(req, aiAssistantChatPermission);

  // Answers as Server-Sent Events; the user pressing stop or going away aborts the model call
  // and keeps what was written.
  const streamEvents = async (
    res: express.Response,
    run: (sink: ChatEventSink, signal: AbortSignal) => Promise<void>,
  ) => {
    const stop = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        stop.abort(new Error('The client closed the request'));
      }
    });
    const sse = SseWriter.open(res);
    try {
      await run(sse, stop.signal);
    } catch (error) {
      // E.g. the database went away mid-answer. Its details are for the logs, not the user.
      const errorId = randomUUID();
      logger.error(
        `AI assistant chat failed (error id ${errorId})`,
        toError(error),
      );
      sse.send({
        type: 'error',
        data: chatFailure(
          'internal_error',
          FAILURE_MESSAGES.serverError,
          errorId,
        ),
      });
    } finally {
      sse.end();
    }
  };

  router.get('/models', async (req, res) => {
    await chatUser(req);
    rejectQuery(req);
    // The size limit rides along, so the page can warn before the server refuses with a 413.
    res.json({
      ...(await models.describe()),
      maxMessageLength: chat.maxMessageLength,
    });
  });

  router.get('/examples', async (req, res) => {
    const credentials = await chatUser(req);
    rejectQuery(req);
    res.json({ questions: await examples.forUser(credentials) });
  });

  router.post('/chat', async (req, res) => {
    const credentials = await chatUser(req);
    await takeChatRequest(res, credentials.principal.userEntityRef);
    rejectQuery(req);
    const body = parse(chatRequestSchema, req.body, 'chat request');
    const prepared = await chat.prepare(
      body,
      credentials,
      auditorFor(auditor, req),
    );
    await options.approvals?.refuseWhilePending(prepared.conversation?.id);
    await streamEvents(res, (sse, signal) =>
      chat.answer(prepared, sse, signal),
    );
  });

  // The owner approves or denies the action call a paused answer waits for (once: 409 after);
  // the answer then continues on this request's event stream.
  router.post(
    '/conversations/:conversationId/approvals/:approvalId',
    async (req, res) => {
      const credentials = await chatUser(req);
      await takeChatRequest(res, credentials.principal.userEntityRef);
      rejectQuery(req);
      const { decision } = parse(
        approvalDecisionRequestSchema,
        req.body,
        'approval decision',
      );
      const { approvals } = options;
      if (!approvals) {
        throw new NotFoundError(`Approval ${req.params.approvalId} not found`);
      }
      const callerAuditor = auditorFor(auditor, req);
      const decided = await approvals.decide(
        req.params.conversationId,
        req.params.approvalId,
        decision,
        credentials,
        callerAuditor,
      );
      await streamEvents(res, (sse, signal) =>
        approvals.continueAnswer(
          decided,
          credentials,
          sse,
          signal,
          callerAuditor,
        ),
      );
    },
  );

  router.get('/conversations', async (req, res) => {
    const { principal } = await chatUser(req);
    const page = parse(
      listConversationsQuerySchema,
      singleValues(req.query),
      'query',
    );
    res.json(
      await conversations.listConversations(principal.userEntityRef, page),
    );
  });

  // Everything of the caller at once (DESIGN: a user can delete all of their conversations).
  router.delete('/conversations', async (req, res) => {
    const { principal } = await chatUser(req);
    rejectQuery(req);
    await audited(
      auditor,
      {
        eventId: 'conversation-delete-all',
        severityLevel: 'medium',
        request: req,
      },
      () => conversations.deleteAllConversations(principal.userEntityRef),
    );
    res.status(204).end();
  });

  router.get('/conversations/:id', async (req, res) => {
    const { principal } = await chatUser(req);
    const page = parse(
      getConversationQuerySchema,
      singleValues(req.query),
      'query',
    );
    const userRef = principal.userEntityRef;
    const conversation = await conversations.getConversation(
      req.params.id,
      userRef,
    );
    const messages = await conversations.listMessagesPage(
      conversation.id,
      userRef,
      page,
    );
    if (options.approvals) {
      messages.messages = await options.approvals.withPendingApprovals(
        messages.messages,
      );
    }
    res.json({ ...conversation, ...messages });
  });

  router.patch('/conversations/:id', async (req, res) => {
    const { principal } = await chatUser(req);
    rejectQuery(req);
    const { title } = parse(
      renameConversationRequestSchema,
      req.body,
      'conversation update',
    );
    res.json(
      await conversations.renameConversation(
        req.params.id,
        principal.userEntityRef,
        title,
      ),
    );
  });

  router.delete('/conversations/:id', async (req, res) => {
    const { principal } = await chatUser(req);
    rejectQuery(req);
    await audited(
      auditor,
      {
        eventId: 'conversation-delete',
        severityLevel: 'medium',
        request: req,
        meta: { conversationId: req.params.id },
      },
      () =>
        conversations.deleteConversation(
          req.params.id,
          principal.userEntityRef,
        ),
    );
    res.status(204).end();
  });

  router.post('/messages/:id/feedback', async (req, res) => {
    const { principal } = await chatUser(req);
    rejectQuery(req);
    const feedback = parse(feedbackRequestSchema, req.body, 'feedback');
    await conversations.rateMessage(
      req.params.id,
      principal.userEntityRef,
      feedback,
    );
    await options.usage?.recordFeedback(req.params.id, feedback.rating);
    res.status(204).end();
  });
}
