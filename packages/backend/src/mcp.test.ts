import {
  type AuthService,
  coreServices,
  createBackendModule,
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
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';
import { readRepoFile } from './deployment/__testUtils__/repoFiles';
import { devBackendFeatures } from './features';

/*
 * The dev backend's own features and app-config.yaml, started by the test, reached the way an
 * IDE agent reaches it: the official MCP TypeScript SDK client over real HTTP, with each
 * user's token. The knowledge store runs on native Postgres + pgvector (when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; in CI it must be) and on the
 * embedded PGlite the dev backend uses by default.
 */

// A whole backend with the catalog, and the local embeddings' word vectors to load.
jest.setTimeout(300_000);

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (!process.env[PG_ENV] && process.env.CI) {
  throw new Error(
    `${PG_ENV} is not set: CI must run the Postgres + pgvector suites (see .ci/setup-postgres.sh)`,
  );
}
const postgres = process.env[PG_ENV]
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;
const stores = [...(postgres ? ['POSTGRES_15'] : []), 'PGLITE'];

const PAYMENTS = 'component:default/payments';
const LEDGER = 'component:default/ledger';
const A = 'user:default/a';
const B = 'user:default/b';
const ADMIN = 'user:default/admin';
const TOOLS = {
  search: 'ai-assistant.search-knowledge',
  ask: 'ai-assistant.ask',
  ingestion: 'ai-assistant.ingestion-status',
};

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
 * The test's permission policy, in place of the dev backend's allow-all one, run by the real
 * permission backend: user B may read every catalog entity but the ledger (a conditional
 * decision, so the catalog itself applies it to the entity the knowledge filter asks about),
 * and only the admin administers the assistant's ingestion. Everything else is allowed.
 */
class TestPolicy implements PermissionPolicy {
  constructor(private readonly auth: AuthService) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser) {
    const userRef =
      user && this.auth.isPrincipal(user.credentials, 'user')
        ? user.credentials.principal.userEntityRef
        : undefined;
    const { permission } = request;
    if (
      permission.name === 'catalog.entity.read' &&
      isCatalogEntityPermission(permission) &&
      userRef === B
    ) {
      return createCatalogConditionalDecision(permission, {
        not: catalogConditions.hasMetadata({ key: 'name', value: 'ledger' }),
      });
    }
    if (permission.name === 'ai-assistant.ingestion.admin') {
      return {
        result:
          userRef === ADMIN ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Whether the permission is about catalog entities (what a catalog decision needs). */
function isCatalogEntityPermission(
  permission: PolicyQuery['permission'],
): permission is Parameters<typeof createCatalogConditionalDecision>[0] {
  return (
    permission.type === 'resource' &&
    permission.resourceType === 'catalog-entity'
  );
}

/** Installs {@link TestPolicy} in the permission backend, as a policy module does. */
const testPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mcp-test-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, auth: coreServices.auth },
      async init({ policy, auth }) {
        policy.setPolicy(new TestPolicy(auth));
      },
    });
  },
});

/**
 * startTestBackend's mock auth, except that a token a plugin gets on a user's behalf names the
 * plugin as the actor, as a real backend's token does (the mock one passes for the user's own).
 * The permission backend tells the two apart: it refuses a user's own request for a resource
 * permission without a resource, and answers a plugin's (the catalog listing entities for the
 * user) with the policy's conditions.
 */
const mockAuthWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const serviceToken = auth.getPluginRequestToken.bind(auth);
    const getPluginRequestToken: AuthService['getPluginRequestToken'] =
      async options =>
        auth.isPrincipal(options.onBehalfOf, 'user')
          ? {
              token: mockCredentials.user.token(
                options.onBehalfOf.principal.userEntityRef,
                { actor: { subject: `plugin:${plugin.getId()}` } },
              ),
            }
          : serviceToken(options);
    return Object.assign(auth, { getPluginRequestToken });
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

describe.each(stores)('the dev backend over MCP, knowledge on %s', store => {
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it('lists the assistant tools, filters search-knowledge per user, and refuses callers without credentials', async () => {
    const probe = actionsProbe();
    backend = await startTestBackend({
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
    expect(
      (await api('ai-assistant/ingestion/run', ADMIN, { method: 'POST' }))
        .status,
    ).toBe(202);
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

    const connect = async (user?: string) => {
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
      return client;
    };
    const call = async (
      client: Client,
      name: string,
      args: Record<string, unknown>,
    ) => (await client.callTool({ name, arguments: args })) as any;

    // The tools, with their schemas and read-only hints.
    const asA = await connect(A);
    const { tools } = await asA.listTools();
    const tool = (name: string) => tools.find(t => t.name === name);
    expect(tool(TOOLS.search)).toMatchObject({
      description: expect.stringContaining('same permission filter'),
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 20 },
          entityRef: { type: 'string' },
        },
        required: ['query'],
      },
      annotations: { readOnlyHint: true, destructiveHint: false },
    });
    expect(tool(TOOLS.ask)).toMatchObject({
      inputSchema: { required: ['question'] },
      annotations: { readOnlyHint: true, destructiveHint: false },
    });
    expect(tool(TOOLS.ingestion)).toMatchObject({
      annotations: { readOnlyHint: true, destructiveHint: false },
    });

    // search-knowledge: each user gets what they may read.
    const query = { query: 'Which service is deployed with Helm?' };
    const entitiesFound = async (client: Client) => {
      const result = await call(client, TOOLS.search, query);
      expect(result.isError).toBeFalsy();
      for (const hit of result.structuredContent.results) {
        expect(hit).toEqual(
          expect.objectContaining({
            title: expect.any(String),
            // The catalog's links are inside the portal: absolute, so an agent can open them.
            url: expect.stringMatching(
              /^http:\/\/localhost:3000\/catalog\/default\/component\/(payments|ledger)\b/,
            ),
            score: expect.any(Number),
            source: 'catalog',
            content: expect.any(String),
          }),
        );
      }
      return {
        refs: new Set(
          result.structuredContent.results.map(
            (hit: { entityRef?: string }) => hit.entityRef,
          ),
        ),
        text: JSON.stringify(result),
      };
    };
    const forA = await entitiesFound(asA);
    expect(forA.refs).toContain(PAYMENTS);
    expect(forA.refs).toContain(LEDGER);
    expect(forA.text).toContain('ledger cluster');

    const asB = await connect(B);
    const forB = await entitiesFound(asB);
    expect(forB.refs).toContain(PAYMENTS);
    expect(forB.refs).not.toContain(LEDGER);
    expect(forB.text).not.toContain('ledger cluster');

    // ask: with no chat model configured, the answer says so and still has B's sources.
    const asked = await call(asB, TOOLS.ask, { question: query.query });
    expect(asked.structuredContent).toMatchObject({
      status: 'error',
      error: { code: 'no_model_provider' },
    });
    const askedRefs = asked.structuredContent.sources.map(
      (s: { entityRef?: string }) => s.entityRef,
    );
    expect(askedRefs).toContain(PAYMENTS);
    expect(askedRefs).not.toContain(LEDGER);

    // ingestion-status: admins only, refused in words an agent can relay.
    const refused = await call(asA, TOOLS.ingestion, {});
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toBe(
      'NotAllowedError: This needs the ai-assistant.ingestion.admin permission of the AI assistant',
    );
    const asAdmin = await connect(ADMIN);
    const status = await call(asAdmin, TOOLS.ingestion, {});
    expect(status.structuredContent.ingestors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'catalog',
          lastRun: expect.objectContaining({ state: 'succeeded' }),
        }),
      ]),
    );

    // Without credentials: no MCP session, and no tool call either.
    await expect(connect()).rejects.toThrow(/401/);
    const anonymous = await fetch(`${baseUrl}/api/mcp-actions/v1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: TOOLS.search, arguments: query },
      }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('ledger');

    // The Actions Registry's listing, as any plugin's actions service sees it.
    const { actions } = await probe
      .actions()
      .list({ credentials: mockCredentials.user(A) });
    const action = (id: string) => actions.find(a => a.id === id);
    expect(action('ai-assistant:search-knowledge')).toMatchObject({
      pluginId: 'ai-assistant',
      attributes: { readOnly: true, destructive: false, idempotent: true },
      schema: {
        input: {
          type: 'object',
          properties: {
            query: { type: 'string', minLength: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 20 },
          },
          required: ['query'],
          additionalProperties: false,
        },
        output: {
          type: 'object',
          properties: {
            results: {
              type: 'array',
              items: {
                type: 'object',
                required: expect.arrayContaining([
                  'title',
                  'url',
                  'score',
                  'content',
                ]),
              },
            },
          },
        },
      },
      examples: [expect.objectContaining({ input: expect.any(Object) })],
    });
    expect(action('ai-assistant:ask')).toMatchObject({
      attributes: { readOnly: true, destructive: false, idempotent: false },
      schema: {
        input: {
          properties: {
            question: { type: 'string' },
            conversationId: { type: 'string', format: 'uuid' },
          },
          required: ['question'],
        },
        output: {
          properties: {
            answer: { type: 'string' },
            sources: { type: 'array' },
          },
          required: expect.arrayContaining(['status', 'answer', 'sources']),
        },
      },
    });
    expect(action('ai-assistant:ingestion-status')).toMatchObject({
      attributes: { readOnly: true, destructive: false, idempotent: true },
      schema: {
        input: { type: 'object', properties: {} },
        output: { properties: { ingestors: { type: 'array' } } },
      },
    });

    await Promise.all([asA.close(), asB.close(), asAdmin.close()]);
  });
});
