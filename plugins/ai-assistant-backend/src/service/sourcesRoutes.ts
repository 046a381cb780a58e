import type { AuditorService } from '@backstage/backend-plugin-api';
import {
  aiAssistantIngestionAdminPermission,
  type SourceRunRequestResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { InputError } from '@backstage/errors';
import type express from 'express';
import { audited } from '../logging/audited';
import type { IngestionStatusService } from '../ingestion/IngestionStatusService';
import { rejectQuery } from './parseInput';
import type { PermissionGuard } from './requirePermission';

/** What the Sources routes delegate to. */
export interface SourcesRoutesOptions {
  requirePermission: PermissionGuard;
  /** Records who asked for which run. */
  auditor?: AuditorService;
  ingestion: IngestionStatusService;
}

// Ingestor ids are chosen by module authors: letters, digits and a few separators.
const INGESTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

function ingestorId(req: express.Request): string {
  const id = req.params.ingestorId;
  if (!INGESTOR_ID.test(id)) {
    throw new InputError(
      'Invalid ingestor id: expected up to 200 letters, digits, dots, dashes, underscores or colons',
    );
  }
  return id;
}

/**
 * Adds the cockpit's Sources routes: `GET /admin/sources` (per source what is stored, with
 * which model, how fresh, the latest run with its progress and skipped documents), and
 * `POST /admin/sources/:ingestorId/run` and `/reindex` (re-embed everything) to queue a run
 * of one source. All need the `ai-assistant.ingestion.admin` permission.
 */
export function addSourcesRoutes(
  router: express.Router,
  options: SourcesRoutesOptions,
): void {
  const { requirePermission, auditor, ingestion } = options;
  const requireAdmin = (req: express.Request) =>
    requirePermission(req, aiAssistantIngestionAdminPermission);

  router.get('/admin/sources', async (req, res) => {
    await requireAdmin(req);
    rejectQuery(req);
    res.json(await ingestion.sources());
  });

  const queueRoute = (action: 'run' | 'reindex') =>
    router.post(`/admin/sources/:ingestorId/${action}`, async (req, res) => {
      await requireAdmin(req);
      rejectQuery(req);
      const id = ingestorId(req);
      await audited(
        auditor,
        {
          eventId: action === 'run' ? 'ingestion-trigger' : 'ingestion-reindex',
          severityLevel: 'medium',
          request: req,
          meta: { ingestor: id },
        },
        () => ingestion.requestRun(id, { reembed: action === 'reindex' }),
      );
      res
        .status(202)
        .json({ status: 'queued' } satisfies SourceRunRequestResponse);
    });
  queueRoute('run');
  queueRoute('reindex');
}
