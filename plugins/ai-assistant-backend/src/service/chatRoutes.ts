import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  aiAssistantChatPermission,
  chatRequestSchema,
  feedbackRequestSchema,
  listConversationsQuerySchema,
  renameConversationRequestSchema,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type express from 'express';
import type { z } from 'zod';
import type { ChatService } from '../chat/ChatService';
import type { ModelRouter } from '../chat/ModelRouter';
import { SseWriter } from '../chat/sse';
import type { ConversationStore } from '../database/ConversationStore';
import type { PermissionGuard } from './requirePermission';

/** What the chat routes delegate to. */
export interface ChatRoutesOptions {
  requirePermission: PermissionGuard;
  logger: LoggerService;
  chat: ChatService;
  models: ModelRouter;
  conversations: ConversationStore;
}

/** Parses input with a zod schema; what is wrong becomes a 400 that says so. */
function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(issue =>
        issue.path.length > 0
          ? `${issue.path.join('.')}: ${issue.message}`
          : issue.message,
      )
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}

/**
 * Adds `/models`, `/chat`, `/conversations` and `/messages/:id/feedback`. Every route needs a
 * signed-in user with the `ai-assistant.chat` permission, and only ever sees that user's data.
 */
export function addChatRoutes(
  router: express.Router,
  options: ChatRoutesOptions,
): void {
  const { requirePermission, logger, chat, models, conversations } = options;

  const chatUser = (req: express.Request) =>
    requirePermission(req, aiAssistantChatPermission);

  router.get('/models', async (req, res) => {
    await chatUser(req);
    res.json(await models.describe());
  });

  router.post('/chat', async (req, res) => {
    const credentials = await chatUser(req);
    const body = parse(chatRequestSchema, req.body, 'chat request');
    const prepared = await chat.prepare(body, credentials);

    // The user pressed stop or went away: abort the model call, keep what was written.
    const stop = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        stop.abort(new Error('The client closed the request'));
      }
    });
    const sse = SseWriter.open(res);
    try {
      await chat.answer(prepared, sse, stop.signal);
    } catch (error) {
      logger.error('AI assistant chat failed', error);
      sse.send({
        type: 'error',
        data: {
          code: 'internal_error',
          message: `The assistant failed: ${error instanceof Error ? error.message : error}`,
        },
      });
    } finally {
      sse.end();
    }
  });

  router.get('/conversations', async (req, res) => {
    const { principal } = await chatUser(req);
    const page = parse(listConversationsQuerySchema, req.query, 'query');
    res.json(
      await conversations.listConversations(principal.userEntityRef, page),
    );
  });

  router.get('/conversations/:id', async (req, res) => {
    const { principal } = await chatUser(req);
    const userRef = principal.userEntityRef;
    const conversation = await conversations.getConversation(
      req.params.id,
      userRef,
    );
    const messages = await conversations.listMessages(conversation.id, userRef);
    res.json({ ...conversation, messages });
  });

  router.patch('/conversations/:id', async (req, res) => {
    const { principal } = await chatUser(req);
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
    await conversations.deleteConversation(
      req.params.id,
      principal.userEntityRef,
    );
    res.status(204).end();
  });

  router.post('/messages/:id/feedback', async (req, res) => {
    const { principal } = await chatUser(req);
    const feedback = parse(feedbackRequestSchema, req.body, 'feedback');
    await conversations.rateMessage(
      req.params.id,
      principal.userEntityRef,
      feedback,
    );
    res.status(204).end();
  });
}
