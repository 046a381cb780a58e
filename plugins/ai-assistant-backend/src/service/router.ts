import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import express from 'express';
import Router from 'express-promise-router';
import type { AiAssistantMetrics } from '../metrics/AiAssistantMetrics';
import { httpMetricsMiddleware } from '../metrics/httpMetrics';
import { audited } from '../logging/audited';
import { addChatRoutes, ChatRoutesOptions } from './chatRoutes';
import { addFeedbackReviewRoutes } from './feedbackReviewRoutes';
import type { HealthService } from '../healthcheck/HealthService';
import type { IngestionStatusService } from '../ingestion/IngestionStatusService';
import { createPermissionGuard } from './requirePermission';
import { addRetrievalTestRoutes } from './retrievalTestRoutes';
import type { RetrievalTestService } from '../chat/RetrievalTestService';
import { addSourcesRoutes } from './sourcesRoutes';
import { addUsageRoutes } from './usageRoutes';

/** What the router delegates to. */
export interface RouterOptions extends Omit<
  ChatRoutesOptions,
  'requirePermission'
> {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  health: HealthService;
  ingestion: IngestionStatusService;
  metrics?: AiAssistantMetrics;
  /** The retrieval test ("why this answer"); its routes exist only with it. */
  retrievalTest?: RetrievalTestService;
  /** `aiAssistant.chat.dailyTokenBudget`, shown with the usage report. */
  dailyTokenBudget?: number;
}

/** The REST API of the plugin, mounted at `/api/ai-assistant`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, health, ingestion, metrics, auditor } =
    options;
  const requirePermission = createPermissionGuard(httpAuth, permissions);
  const router = Router();
  if (metrics) {
    router.use(httpMetricsMiddleware(metrics));
  }
  router.use(express.json({ limit: '1mb' }));
  addChatRoutes(router, { ...options, requirePermission });
  addFeedbackReviewRoutes(router, { ...options, requirePermission });
  addSourcesRoutes(router, { ...options, requirePermission });

  const requireAdmin = (req: express.Request) =>
    requirePermission(req, aiAssistantIngestionAdminPermission);

  // Open to anyone (probes, status pages), but only ingestion admins see why: the details name
  // model and embeddings deployments and quote ingestion errors (private repository paths,
  // provider responses). Any refusal, even the permission service being down, gets the
  // overall status, which is safe for anyone.
  router.get('/health', async (req, res) => {
    const report = await health.check();
    const showDetails = await requireAdmin(req).then(
      () => true,
      () => false,
    );
    res
      .status(report.status === 'error' ? 503 : 200)
      .json(showDetails ? report : { status: report.status });
  });

  router.get('/ingestion', async (req, res) => {
    await requireAdmin(req);
    res.json({ ingestors: await ingestion.status() });
  });

  router.post('/ingestion/run', async (req, res) => {
    await requireAdmin(req);
    await audited(
      auditor,
      { eventId: 'ingestion-trigger', severityLevel: 'medium', request: req },
      () => ingestion.trigger(),
    );
    res.status(202).json({ status: 'started' });
  });

  if (options.usage) {
    addUsageRoutes(router, { ...options, usage: options.usage, requireAdmin });
  }

  if (options.retrievalTest) {
    addRetrievalTestRoutes(router, {
      requirePermission,
      retrievalTest: options.retrievalTest,
    });
  }

  return router;
}
