import { mockCredentials } from '@backstage/backend-test-utils';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type McpTestBackend,
  startMcpTestBackend,
  stores,
} from './__testUtils__/mcpTestBackend';
import { A, ADMIN, B } from './__testUtils__/mcpTestPolicy';

/*
 * The dev backend's own features and app-config.yaml, started by the test, reached the way an
 * IDE agent reaches it: the official MCP TypeScript SDK client over real HTTP, with each
 * user's token. The knowledge store runs on native Postgres + pgvector (when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; in CI it must be) and on the
 * embedded PGlite the dev backend uses by default.
 */

// A whole backend with the catalog, and the local embeddings' word vectors to load.
jest.setTimeout(300_000);

const PAYMENTS = 'component:default/payments';
const LEDGER = 'component:default/ledger';
const TOOLS = {
  search: 'ai-assistant.search-knowledge',
  ask: 'ai-assistant.ask',
  ingestion: 'ai-assistant.ingestion-status',
};
const query = { query: 'Which service is deployed with Helm?' };

describe.each(stores)('the dev backend over MCP, knowledge on %s', store => {
  let mcp: McpTestBackend;
  beforeAll(async () => {
    mcp = await startMcpTestBackend(store);
  });
  afterAll(() => mcp?.stop());

  /** The entities of the passages search-knowledge finds for `client`, and its whole answer. */
  async function entitiesFound(client: Client) {
    const result = await mcp.call(client, TOOLS.search, query);
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
  }

  it('lists the assistant tools with their schemas and read-only hints', async () => {
    const { tools } = await (await mcp.connect(A)).listTools();
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
  });

  it('gives each user search-knowledge results only from entities they may read', async () => {
    const forA = await entitiesFound(await mcp.connect(A));
    expect(forA.refs).toContain(PAYMENTS);
    expect(forA.refs).toContain(LEDGER);
    expect(forA.text).toContain('ledger cluster');

    const forB = await entitiesFound(await mcp.connect(B));
    expect(forB.refs).toContain(PAYMENTS);
    expect(forB.refs).not.toContain(LEDGER);
    expect(forB.text).not.toContain('ledger cluster');
  });

  it('answers ask without a chat model by saying so, with the sources the user may read', async () => {
    const asked = await mcp.call(await mcp.connect(B), TOOLS.ask, {
      question: query.query,
    });
    expect(asked.structuredContent).toMatchObject({
      status: 'error',
      error: { code: 'no_model_provider' },
    });
    const askedRefs = asked.structuredContent.sources.map(
      (s: { entityRef?: string }) => s.entityRef,
    );
    expect(askedRefs).toContain(PAYMENTS);
    expect(askedRefs).not.toContain(LEDGER);
  });

  it('gives ingestion-status to admins only, refusing others in words an agent can relay', async () => {
    const refused = await mcp.call(await mcp.connect(A), TOOLS.ingestion, {});
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toBe(
      'NotAllowedError: This needs the ai-assistant.ingestion.admin permission of the AI assistant',
    );
    const status = await mcp.call(
      await mcp.connect(ADMIN),
      TOOLS.ingestion,
      {},
    );
    expect(status.structuredContent.ingestors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'catalog',
          lastRun: expect.objectContaining({ state: 'succeeded' }),
        }),
      ]),
    );
  });

  it('refuses callers without credentials a session and a tool call', async () => {
    await expect(mcp.connect()).rejects.toThrow(/401/);
    const anonymous = await fetch(`${mcp.baseUrl}/api/mcp-actions/v1`, {
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
  });

  it("lists the assistant's actions in the Actions Registry, as any plugin's actions service sees them", async () => {
    const { actions } = await mcp
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
  });
});
