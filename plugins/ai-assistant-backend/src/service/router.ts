import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import express from 'express';
import Router from 'express-promise-router';
import { addChatRoutes, ChatRoutesOptions } from './chatRoutes';
import type { HealthService } from './HealthService';
import type { IngestionStatusService } from './IngestionStatusService';

/** What the router delegates to. */
export interface RouterOptions extends ChatRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  health: HealthService;
  ingestion: IngestionStatusService;
}

/** The REST API of the plugin, mounted at `/api/ai-assistant`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, health, ingestion } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  addChatRoutes(router, options);

  const requireAdmin = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: aiAssistantIngestionAdminPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'Managing AI assistant ingestion needs the ai-assistant.ingestion.admin permission',
      );
    }
  };

  router.get('/health', async (_req, res) => {
    const report = await health.check();
    res.status(report.status === 'error' ? 503 : 200).json(report);
  });

  router.get('/ingestion', async (req, res) => {
    await requireAdmin(req);
    res.json({ ingestors: await ingestion.status() });
  });

  router.post('/ingestion/run', async (req, res) => {
    await requireAdmin(req);
    await ingestion.trigger();
    res.status(202).json({ status: 'started' });
  });

  return router;
}
