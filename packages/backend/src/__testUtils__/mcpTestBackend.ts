import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  type ActionsService,
  actionsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';
import { readRepoFile } from '../deployment/__testUtils__/repoFiles';
import { devBackendFeatures } from '../features';
import { ADMIN, mockAuthWithActors, testPolicyModule } from './mcpTestPolicy';

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (!process.env[PG_ENV] && process.env.CI) {
  throw new Error(
    `${PG_ENV} is not set: CI must run the Postgres + pgvector suites (see .ci/setup-postgres.sh)`,
  );
}
const postgres = process.env[PG_ENV]
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;
/** The knowledge stores to run on: native Postgres + pgvector when set up, and PGlite. */
export const stores = [...(postgres ? ['POSTGRES_15'] : []), 'PGLITE'];

const component = (name: string, description: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

const catalogDirectory = createMockDirectory({
  content: {
    'entities.yaml': [
      component(
        'payments',
        'Takes card payments. Deployed with Helm to the payments cluster.',
      ),
      component(
        'ledger',
        'Keeps the books. Deployed with Helm to the ledger cluster.',
      ),
    ]
      .map(entity => stringify(entity))
      .join('---\n'),
  },
});

/**
 * The dev config, with the test's catalog, no chat model, no app build to serve and ingestion
 * run on demand.
 */
function testConfig() {
  const config = parse(readRepoFile('app-config.yaml'));
  config.catalog.locations = [
    { type: 'file', target: catalogDirectory.resolve('entities.yaml') },
  ];
  delete config.aiAssistant.models;
  // The app backend serves no build here: packages/app/dist belongs to the browser tests,
  // which may be rebuilding it meanwhile (this package has no dist/static).
  config.app.packageName = 'backend';
  config.aiAssistant.ingestion.schedule.initialDelay = { hours: 1 };
  return config;
}

/** Backstage's databases as configured (SQLite), but the knowledge store on `knex`. */
function knowledgeStoreOn(knex: Awaited<ReturnType<TestDatabases['init']>>) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {
      config: coreServices.rootConfig,
      rootLifecycle: coreServices.rootLifecycle,
      rootLogger: coreServices.rootLogger,
      plugin: coreServices.pluginMetadata,
      lifecycle: coreServices.lifecycle,
      logger: coreServices.logger,
    },
    // With the root lifecycle, so the connections close when the backend stops.
    createRootContext: ({ config, rootLifecycle, rootLogger }) =>
      DatabaseManager.fromConfig(config, { rootLifecycle, rootLogger }),
    factory: ({ plugin, lifecycle, logger }, manager) =>
      plugin.getId() === 'ai-assistant'
        ? mockServices.database({ knex })
        : manager.forPlugin(plugin.getId(), { lifecycle, logger }),
  });
}

/** A plugin that hands the test the actions service, as any plugin would use it. */
function actionsProbe() {
  let service: ActionsService | undefined;
  const plugin = createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { actions: actionsServiceRef },
        async init({ actions }) {
          service = actions;
        },
      });
    },
  });
  return { plugin, actions: () => service! };
}

/** Polls until the probe returns a value. */
async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** The dev backend of {@link startMcpTestBackend}, with the catalog ingested. */
export interface McpTestBackend {
  baseUrl: string;
  /** Calls the backend's REST API at `/api/<path>` as `user`. */
  api(path: string, user: string, init?: RequestInit): Promise<Response>;
  /** An MCP session over real HTTP with `user`'s token, or with none. */
  connect(user?: string): Promise<Client>;
  /** Calls an MCP tool; the result as the SDK gives it. */
  call(
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ): Promise<any>;
  /** The Actions Registry as any plugin's actions service sees it. */
  actions(): ActionsService;
  stop(): Promise<void>;
}

/**
 * Starts the dev backend's own features and app-config.yaml with the test's catalog and
 * permission policy, the knowledge store on `store`, and waits until the catalog is read and
 * ingested.
 */
export async function startMcpTestBackend(
  store: string,
): Promise<McpTestBackend> {
  const probe = actionsProbe();
  const backend = await startTestBackend({
    features: [
      ...devBackendFeatures,
      // The real permission framework: the permissions service of a production backend
      // (startTestBackend's default allows everything), asking the permission backend,
      // whose policy is the test's.
      permissionsServiceFactory,
      import('@backstage/plugin-permission-backend'),
      testPolicyModule,
      mockAuthWithActors,
      mockServices.rootConfig.factory({ data: testConfig() }),
      // As in a real backend, a request without a token is nobody, not a default test user.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      ...(store === 'POSTGRES_15'
        ? [knowledgeStoreOn(await postgres!.init('POSTGRES_15'))]
        : []),
      probe.plugin,
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = (path: string, user: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}/api/${path}`, {
      ...init,
      headers: { authorization: mockCredentials.user.header(user) },
    });

  // The catalog reads the entities, then the assistant ingests them.
  for (const name of ['payments', 'ledger']) {
    await waitFor(async () => {
      const res = await api(
        `catalog/entities/by-name/component/default/${name}`,
        ADMIN,
      );
      return res.ok ? true : undefined;
    }, `the catalog to read ${name}`);
  }
  const started = await api('ai-assistant/ingestion/run', ADMIN, {
    method: 'POST',
  });
  if (started.status !== 202) {
    throw new Error(`Starting the ingestion answered ${started.status}`);
  }
  await waitFor(async () => {
    const { ingestors } = await (
      await api('ai-assistant/ingestion', ADMIN)
    ).json();
    const catalog = ingestors.find((i: { id: string }) => i.id === 'catalog');
    if (catalog?.lastRun?.state === 'failed') {
      throw new Error(`Ingestion failed: ${catalog.lastRun.error}`);
    }
    return catalog?.lastRun?.state === 'succeeded' ? true : undefined;
  }, 'the catalog ingestion');

  const clients: Client[] = [];
  return {
    baseUrl,
    api,
    async connect(user) {
      const client = new Client({ name: 'mcp-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(
        new URL(`${baseUrl}/api/mcp-actions/v1`),
        user
          ? {
              requestInit: {
                headers: {
                  Authorization: `Bearer ${mockCredentials.user.token(user)}`,
                },
              },
            }
          : undefined,
      );
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async call(client, name, args) {
      return client.callTool({ name, arguments: args });
    },
    actions: probe.actions,
    async stop() {
      await Promise.all(clients.map(client => client.close()));
      await backend.stop();
    },
  };
}
