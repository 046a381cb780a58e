import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  type ActionsService,
  actionsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import request from 'supertest';
import {
  RecordingPermissions,
  startChatBackend,
  waitForTitle,
} from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(180_000);

const databases = knowledgeTestDatabases();

const PAYMENTS = 'component:default/payments';
const LEDGER = 'component:default/ledger';
const A = 'user:default/a';
const B = 'user:default/b';
const ADMIN = 'user:default/admin';

const documents = [
  doc(
    'payments',
    'The payments service deploys with Helm to the prod cluster.',
    {
      title: 'Payments',
      entityRef: PAYMENTS,
    },
  ),
  doc('ledger', 'The ledger service deploys with Helm to the ledger cluster.', {
    title: 'Ledger',
    entityRef: LEDGER,
  }),
  doc('handbook', '## Deploying\n\nEvery service deploys with Helm charts.', {
    title: 'Handbook',
  }),
];

/** B may not read the ledger; only the admin administers ingestion. */
class TestPolicy extends RecordingPermissions {
  async authorize(requests: any[], options?: any) {
    await super.authorize(requests);
    const user = options?.credentials?.principal?.userEntityRef;
    return requests.map(r => ({
      result:
        (r.permission.name === catalogEntityReadPermission.name &&
          r.resourceRef === LEDGER &&
          user === B) ||
        (r.permission.name === aiAssistantIngestionAdminPermission.name &&
          user !== ADMIN)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any;
  }
}

/** A plugin that only hands the test the actions service, as any other plugin would use it. */
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

/**
 * Why a call was refused, as an MCP client is told: the HTTP status and the action's own
 * error (the actions service wraps it in a ResponseError).
 */
async function refusal(call: Promise<unknown>) {
  const error: any = await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    e => e,
  );
  return {
    status: error.response?.status,
    error: `${error.cause?.name}: ${error.cause?.message}`,
  };
}

describe.each(databases.eachId())('the assistant actions on %s', databaseId => {
  it('search, ask and report ingestion for the calling user only, and say clearly what they refuse', async () => {
    const model = new ScriptedChatModel(messages =>
      isTitleRequest(messages)
        ? { tokens: ['Helm deploys'] }
        : { tokens: ['Services deploy ', 'with Helm [1].'] },
    );
    const probe = actionsProbe();
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      documents,
      permissions: new TestPolicy(),
      features: [probe.plugin],
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
    });
    const actions = probe.actions();
    const invoke = (id: string, input: object, user = A) =>
      actions
        .invoke({
          id: `ai-assistant:${id}`,
          input: input as any,
          credentials: mockCredentials.user(user),
        })
        .then(({ output }) => output as any);

    // search-knowledge: the chat's retrieval, each user's own permission filter.
    const query = { query: 'How does a service deploy with Helm?' };
    const forA = await invoke('search-knowledge', query, A);
    expect(forA.results.map((r: any) => r.title).sort()).toEqual([
      'Handbook',
      'Ledger',
      'Payments',
    ]);
    const ledger = forA.results.find((r: any) => r.title === 'Ledger');
    expect(ledger).toMatchObject({
      url: 'https://docs.example.com/ledger',
      source: 'docs',
      documentId: 'ledger',
      entityRef: LEDGER,
      content: expect.stringContaining('ledger cluster'),
    });
    expect(ledger.score).toEqual(expect.any(Number));
    const handbook = forA.results.find((r: any) => r.title === 'Handbook');
    expect(handbook).toMatchObject({
      section: 'Deploying',
      url: 'https://docs.example.com/handbook#deploying',
    });
    const forB = await invoke('search-knowledge', query, B);
    expect(forB.results.map((r: any) => r.title).sort()).toEqual([
      'Handbook',
      'Payments',
    ]);
    expect(JSON.stringify(forB)).not.toContain('ledger cluster');
    const one = await invoke('search-knowledge', { ...query, limit: 1 }, A);
    expect(one.results).toHaveLength(1);
    expect(
      await refusal(
        invoke('search-knowledge', { ...query, entityRef: 'payments' }),
      ),
    ).toEqual({
      status: 400,
      error: expect.stringMatching(
        /^InputError: .*entityRef must be a full entity ref kind:namespace\/name/,
      ),
    });
    expect(
      await refusal(invoke('search-knowledge', { ...query, limit: 0 })),
    ).toEqual({
      status: 400,
      error: expect.stringMatching(
        /^InputError: Invalid input to action "ai-assistant:search-knowledge"/,
      ),
    });

    // ask: a cited answer in one piece, kept in the user's conversations.
    const answer = await invoke('ask', { question: query.query }, B);
    expect(answer).toMatchObject({
      status: 'complete',
      answer: 'Services deploy with Helm [1].',
      conversationId: expect.any(String),
      messageId: expect.any(String),
    });
    expect(answer.sources.map((s: any) => s.title).sort()).toEqual([
      'Handbook',
      'Payments',
    ]);
    const [prompt] = model
      .systemPrompts()
      .filter((_p, i) => !isTitleRequest(model.calls[i]));
    expect(prompt).not.toContain('ledger cluster');
    const stored = await backend.conversation(answer.conversationId, B);
    expect(stored.status).toBe(200);
    expect(stored.body.messages.map((m: any) => m.content)).toEqual([
      query.query,
      'Services deploy with Helm [1].',
    ]);
    expect((await backend.conversation(answer.conversationId, A)).status).toBe(
      404,
    );
    await waitForTitle(backend, 'Helm deploys', B);

    // A follow-up continues the same conversation.
    const followUp = await invoke(
      'ask',
      { question: 'And in prod?', conversationId: answer.conversationId },
      B,
    );
    expect(followUp.conversationId).toBe(answer.conversationId);
    expect(
      (await backend.conversation(answer.conversationId, B)).body.messages,
    ).toHaveLength(4);

    // Static tokens act as a service, not a user: they may search but not ask.
    const asService = (id: string, input: object) =>
      actions.invoke({
        id: `ai-assistant:${id}`,
        input: input as any,
        credentials: mockCredentials.service('external:ide-agent'),
      });
    expect(await refusal(asService('ask', { question: 'Hi?' }))).toEqual({
      status: 403,
      error: expect.stringMatching(
        /^NotAllowedError: ask .* call it with a user token/,
      ),
    });
    const serviceSearch = await asService('search-knowledge', query);
    expect((serviceSearch.output as any).results).toHaveLength(3);

    // ingestion-status: what GET /ingestion says, for ingestion admins only.
    const status = await invoke('ingestion-status', {}, ADMIN);
    const rest = await request(backend.server)
      .get('/api/ai-assistant/ingestion')
      .set('Authorization', backend.auth(ADMIN));
    expect(status).toEqual(rest.body);
    expect(status.ingestors[0]).toMatchObject({
      id: 'docs',
      documents: 3,
      lastRun: { state: 'succeeded', startedAt: expect.any(String) },
    });
    expect(await refusal(invoke('ingestion-status', {}, A))).toEqual({
      status: 403,
      error:
        'NotAllowedError: This needs the ai-assistant.ingestion.admin permission of the AI assistant',
    });

    await backend.stop();
  });
});
