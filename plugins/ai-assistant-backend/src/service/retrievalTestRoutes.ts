import {
  aiAssistantIngestionAdminPermission,
  retrievalTestRequestSchema,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type express from 'express';
import type { RetrievalTestService } from '../chat/RetrievalTestService';
import { parse, rejectQuery } from './parseInput';
import type { PermissionGuard } from './requirePermission';

/** What the retrieval test routes delegate to. */
export interface RetrievalTestRoutesOptions {
  requirePermission: PermissionGuard;
  retrievalTest: RetrievalTestService;
}

/**
 * Adds `POST /admin/retrieval-test` (run the chat's retrieval for a question, traced) and
 * `GET /admin/retrieval-test/messages/:id` (replay one of the caller's own answers). Both need
 * the `ai-assistant.ingestion.admin` permission: the trace shows scores and titles of
 * candidates across sources.
 */
export function addRetrievalTestRoutes(
  router: express.Router,
  options: RetrievalTestRoutesOptions,
): void {
  const { requirePermission, retrievalTest } = options;
  const requireAdmin = (req: express.Request) =>
    requirePermission(req, aiAssistantIngestionAdminPermission);

  router.post('/admin/retrieval-test', async (req, res) => {
    const credentials = await requireAdmin(req);
    rejectQuery(req);
    const input = parse(retrievalTestRequestSchema, req.body, 'request body');
    res.json(await retrievalTest.run(input, credentials));
  });

  router.get('/admin/retrieval-test/messages/:id', async (req, res) => {
    const credentials = await requireAdmin(req);
    rejectQuery(req);
    res.json(await retrievalTest.replay(req.params.id, credentials));
  });
}
