import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';

/**
 * Serves `GET /healthcheck` at the root of the backend, the path the deployment guide's
 * liveness and readiness probes call. It answers with Backstage's own readiness
 * (`/.backstage/health/v1/readiness`): 503 until every plugin has started and again while
 * shutting down, 200 otherwise, so a pod gets traffic only once the backend is usable.
 *
 * The route is mounted on the root router rather than a plugin router because plugin routes
 * live under `/api/<pluginId>` and pass through Backstage's auth policies; probes carry no token.
 */
export const healthcheckPlugin = createBackendPlugin({
  pluginId: 'healthcheck',
  register(env) {
    env.registerInit({
      deps: {
        rootHttpRouter: coreServices.rootHttpRouter,
        rootHealth: coreServices.rootHealth,
      },
      async init({ rootHttpRouter, rootHealth }) {
        const router = Router();
        router.get('/', async (_req, res) => {
          const { status, payload } = await rootHealth.getReadiness();
          res.status(status).json(payload ?? {});
        });
        rootHttpRouter.use('/healthcheck', router);
      },
    });
  },
});
