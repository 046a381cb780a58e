import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';

/**
 * Serves `GET /healthcheck` at the root of the backend, the path the deployment guide's
 * liveness and readiness probes call. It answers with Backstage's own readiness
 * (`/.backstage/health/v1/readiness`): 503 until every plugin has started and again while
 * shutting down, 200 otherwise, so a pod gets traffic only once the backend is usable.
 *
 * It is a feature loader rather than a plugin: it needs only root services, and a plugin id
 * would get its own database (`backstage_plugin_healthcheck` on PostgreSQL) and key store.
 * The route sits on the root router, outside `/api/*`, so probes need no token.
 */
export const healthcheckFeature = createBackendFeatureLoader({
  deps: {
    rootHttpRouter: coreServices.rootHttpRouter,
    rootHealth: coreServices.rootHealth,
  },
  loader({ rootHttpRouter, rootHealth }) {
    const router = Router();
    router.get('/', async (_req, res) => {
      const { status, payload } = await rootHealth.getReadiness();
      res.status(status).json(payload ?? {});
    });
    rootHttpRouter.use('/healthcheck', router);
    return [];
  },
});
