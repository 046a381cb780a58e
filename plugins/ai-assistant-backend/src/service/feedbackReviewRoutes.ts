import type { AuditorService } from '@backstage/backend-plugin-api';
import {
  aiAssistantIngestionAdminPermission,
  listFeedbackReviewQuerySchema,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type express from 'express';
import type { ConversationStore } from '../database/ConversationStore';
import { audited } from '../logging/audited';
import { parse, rejectQuery, singleValues } from './parseInput';
import type { PermissionGuard } from './requirePermission';

/** What the feedback review routes delegate to. */
export interface FeedbackReviewRoutesOptions {
  requirePermission: PermissionGuard;
  /** Records who marked which rating reviewed. */
  auditor?: AuditorService;
  conversations: ConversationStore;
}

/**
 * Adds `GET /admin/feedback` and `POST /admin/feedback/:id/reviewed`, for admins to read the
 * thumbs-down answers of every user. Both need the `ai-assistant.ingestion.admin` permission:
 * the list quotes users' questions and answers.
 */
export function addFeedbackReviewRoutes(
  router: express.Router,
  options: FeedbackReviewRoutesOptions,
): void {
  const { requirePermission, auditor, conversations } = options;
  const requireAdmin = (req: express.Request) =>
    requirePermission(req, aiAssistantIngestionAdminPermission);

  router.get('/admin/feedback', async (req, res) => {
    await requireAdmin(req);
    const page = parse(
      listFeedbackReviewQuerySchema,
      singleValues(req.query),
      'query',
    );
    res.json(await conversations.listFeedbackForReview(page));
  });

  router.post('/admin/feedback/:id/reviewed', async (req, res) => {
    const { principal } = await requireAdmin(req);
    rejectQuery(req);
    const item = await audited(
      auditor,
      {
        eventId: 'feedback-review',
        severityLevel: 'low',
        request: req,
        meta: { messageId: req.params.id },
      },
      () =>
        conversations.markFeedbackReviewed(
          req.params.id,
          principal.userEntityRef,
        ),
    );
    res.json(item);
  });
}
