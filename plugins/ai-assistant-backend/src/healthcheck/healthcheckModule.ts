import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { HealthcheckRoute } from './HealthcheckRoute';
import { ReadinessCheck } from './ReadinessCheck';

/**
 * The `/healthcheck` route, a root service so that it is mounted while the backend starts
 * its root services, right after the HTTP server begins listening and before any plugin
 * initialises (Backstage creates every root service first, then starts the plugins). A route
 * mounted by a plugin module would come too late: app-backend's fallback answers every unknown
 * path with the app's `index.html` and `200` as soon as the app plugin has started.
 */
const healthcheckRouteServiceRef = createServiceRef<HealthcheckRoute>({
  id: 'ai-assistant.healthcheck-route',
  scope: 'root',
});

const healthcheckRouteServiceFactory = createServiceFactory({
  service: healthcheckRouteServiceRef,
  deps: {
    rootHttpRouter: coreServices.rootHttpRouter,
    rootHealth: coreServices.rootHealth,
  },
  async factory({ rootHttpRouter, rootHealth }) {
    const route = new HealthcheckRoute({ rootHealth });
    rootHttpRouter.use('/healthcheck', route.router());
    return route;
  },
});

/** Hands the route the check of the assistant's database, which only the plugin can reach. */
const healthcheckModule = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'healthcheck',
  register(env) {
    env.registerInit({
      deps: {
        route: healthcheckRouteServiceRef,
        rootHealth: coreServices.rootHealth,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ route, rootHealth, database, logger }) {
        route.setReadinessSource(
          new ReadinessCheck({ rootHealth, database, logger }),
        );
      },
    });
  },
});

/**
 * Serves `GET /healthcheck` at the root of the backend (outside `/api`, so probes need no
 * token), the path of the deployment guide's Kubernetes probes and Docker `HEALTHCHECK`:
 * `503` with `{ status: 'error', message }` from the moment the backend listens until it has
 * started (the assistant's migrations included) and while it shuts down, or while the
 * assistant's database is not reachable or lacks a migration of this version;
 * `200 { status: 'ok' }` otherwise. It never answers anything but this JSON, also in a
 * backend that serves the frontend app.
 *
 * Add it next to the plugin: `backend.add(aiAssistantModuleHealthcheck)`. It brings a module
 * of the assistant plugin, so that it checks the assistant's own database (and needs no
 * database of its own), and the root service that mounts the route before any plugin starts;
 * Backstage's `/.backstage/health/v1/readiness` stays available as well.
 *
 * @public
 */
export const aiAssistantModuleHealthcheck = createBackendFeatureLoader({
  *loader() {
    yield healthcheckRouteServiceFactory;
    yield healthcheckModule;
  },
});
