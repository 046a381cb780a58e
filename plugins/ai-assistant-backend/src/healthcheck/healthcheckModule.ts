import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { ReadinessCheck } from './ReadinessCheck';

/**
 * Serves `GET /healthcheck` at the root of the backend (outside `/api`, so probes need no
 * token), the path of the deployment guide's Kubernetes probes and Docker `HEALTHCHECK`:
 * `503` with `{ status: 'error', message }` until the backend has started (the assistant's
 * migrations included) and while it shuts down, or while the assistant's database is not
 * reachable or lacks a migration of this version; `200 { status: 'ok' }` otherwise.
 *
 * Add it next to the plugin: `backend.add(aiAssistantModuleHealthcheck)`. It is a module of
 * the assistant plugin so that it checks the assistant's own database (and needs no database
 * of its own); Backstage's `/.backstage/health/v1/readiness` stays available as well.
 *
 * @public
 */
export const aiAssistantModuleHealthcheck = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'healthcheck',
  register(env) {
    env.registerInit({
      deps: {
        rootHttpRouter: coreServices.rootHttpRouter,
        rootHealth: coreServices.rootHealth,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ rootHttpRouter, rootHealth, database, logger }) {
        const readiness = new ReadinessCheck({ rootHealth, database, logger });
        const router = Router();
        router.get('/', async (_req, res) => {
          const { status, body } = await readiness.check();
          res.status(status).set('Cache-Control', 'no-store').json(body);
        });
        rootHttpRouter.use('/healthcheck', router);
      },
    });
  },
});
