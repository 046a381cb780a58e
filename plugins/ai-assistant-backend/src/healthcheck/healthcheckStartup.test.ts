import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { aiAssistantModuleHealthcheck } from './healthcheckModule';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

const INDEX_HTML =
  '<!doctype html><html><body><div id="root"></div></body></html>';

/**
 * Like `@backstage/plugin-app-backend`: plugin `app`, mounted through its HTTP router at
 * `/api/app`, which the root router also uses as the fallback for every path outside `/api`;
 * it answers any GET with the app's `index.html` (the single-page app's routes).
 */
function frontendAppPlugin() {
  let resolve!: (url: string) => void;
  const url = new Promise<string>(r => {
    resolve = r;
  });
  const feature = createBackendPlugin({
    pluginId: 'app',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          discovery: coreServices.discovery,
        },
        async init({ httpRouter, discovery }) {
          const router = Router();
          router.use((req, res, next) =>
            req.method === 'GET' ? res.type('html').send(INDEX_HTML) : next(),
          );
          httpRouter.use(router);
          httpRouter.addAuthPolicy({ allow: 'unauthenticated', path: '/' });
          resolve(new URL(await discovery.getBaseUrl('app')).origin);
        },
      });
    },
  });
  return { feature, url };
}

/**
 * Holds the assistant plugin (its modules included) before it initialises, as a slow
 * dependency or a busy machine does, until `release` is called; other plugins start.
 */
function assistantStartGate() {
  let release!: () => void;
  const released = new Promise<void>(r => {
    release = r;
  });
  const feature = createServiceFactory({
    service: createServiceRef<void>({ id: 'test.start-gate', scope: 'plugin' }),
    deps: { plugin: coreServices.pluginMetadata },
    initialization: 'always',
    async factory({ plugin }) {
      if (plugin.getId() === 'ai-assistant') {
        await released;
      }
    },
  });
  return { feature, release };
}

describe.each(databases.eachId())(
  'GET /healthcheck in a backend that serves the frontend app, on %s',
  databaseId => {
    it('answers 503 JSON, never the app page, while the assistant is still starting', async () => {
      const app = frontendAppPlugin();
      const gate = assistantStartGate();
      const started = startChatBackend({
        models: null,
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
        features: [aiAssistantModuleHealthcheck, app.feature, gate.feature],
      });
      try {
        const url = await app.url;
        // The app has started and serves its page for paths nothing else mounted...
        await waitFor(async () => {
          const res = await fetch(`${url}/catalog`);
          return res.status === 200 &&
            (await res.text()).includes('<div id="root">')
            ? true
            : undefined;
        });

        // ...but not for /healthcheck, although the assistant has not initialised yet.
        const starting = await fetch(`${url}/healthcheck`);
        expect(starting.status).toBe(503);
        expect(starting.headers.get('content-type')).toMatch(
          /^application\/json/,
        );
        expect(starting.headers.get('cache-control')).toBe('no-store');
        expect(await starting.json()).toEqual({
          status: 'error',
          message: 'Backend has not started yet',
        });
      } finally {
        gate.release();
      }

      const { server } = await started;
      const ready = await request(server).get('/healthcheck');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok' });
    });
  },
);

describe('GET /healthcheck without the assistant plugin', () => {
  it('answers 503 saying the plugin is missing, not the app page', async () => {
    const app = frontendAppPlugin();
    const { server } = await startTestBackend({
      features: [aiAssistantModuleHealthcheck, app.feature],
    });
    const res = await request(server).get('/healthcheck');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'error',
      message:
        'The AI assistant healthcheck did not start: add the AI assistant backend plugin next to aiAssistantModuleHealthcheck',
    });
  });
});
