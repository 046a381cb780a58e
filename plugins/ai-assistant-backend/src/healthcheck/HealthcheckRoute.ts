import type { RootHealthService } from '@backstage/backend-plugin-api';
import type { Router as ExpressRouter } from 'express';
import Router from 'express-promise-router';
import { backendNotReady, notReady, type Readiness } from './ReadinessCheck';

/** What decides the answer once the assistant's module has started: a `ReadinessCheck`. */
export interface ReadinessSource {
  check(): Promise<Readiness>;
}

/**
 * The handler of `GET /healthcheck`, mounted on the root router as soon as the backend
 * listens, before any plugin initialises. It has to be there that early: when the backend
 * also serves the frontend (app-backend), every path that is not a mounted route falls back
 * to the app's `index.html` with `200`, so a route mounted only during the assistant's
 * start leaves a window in which probes see "ready" on a backend that is still starting.
 *
 * Until the assistant's healthcheck module hands over its {@link ReadinessSource} (it needs
 * the assistant's database, which only exists in the plugin's scope), it answers `503`.
 */
export class HealthcheckRoute {
  readonly #rootHealth: RootHealthService;
  #readiness?: ReadinessSource;

  constructor(options: { rootHealth: RootHealthService }) {
    this.#rootHealth = options.rootHealth;
  }

  /** Called by the assistant's healthcheck module once it can check the database. */
  setReadinessSource(readiness: ReadinessSource): void {
    this.#readiness = readiness;
  }

  /** The router to mount at `/healthcheck`. */
  router(): ExpressRouter {
    const router = Router();
    router.get('/', async (_req, res) => {
      const { status, body } = await this.#answer();
      res.status(status).set('Cache-Control', 'no-store').json(body);
    });
    return router;
  }

  async #answer(): Promise<Readiness> {
    if (this.#readiness) {
      return this.#readiness.check();
    }
    // Backstage is ready only after every plugin has started, so this is the normal answer
    // while the assistant (or any other plugin) is still starting.
    const starting = await backendNotReady(this.#rootHealth);
    return (
      starting ??
      // Started, yet the module never ran: its plugin is not installed in this backend.
      notReady(
        'The AI assistant healthcheck did not start: add the AI assistant backend plugin next to aiAssistantModuleHealthcheck',
      )
    );
  }
}
