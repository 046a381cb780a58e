import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  GithubIngestor,
  readGithubIngestorConfig,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-github';
import {
  type GithubTestServer,
  startGithubTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-github/testUtils';
import { aiAssistantIngestorExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { BaseMessage } from '@langchain/core/messages';
import request from 'supertest';
import { doc } from '../__testUtils__/fakes';
import {
  DenyEntityTo,
  startChatBackend,
  waitFor,
} from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

const PAYMENTS = 'component:default/payments';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: {
      'github.com/project-slug': 'acme/payments',
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

/** Registered from the public handbook repository, claiming the private secret-tool one. */
const squatter: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'squatter',
    namespace: 'default',
    annotations: {
      'github.com/project-slug': 'acme/secret-tool',
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/handbook/blob/main/squat.yaml',
    },
  },
  spec: { type: 'service', owner: 'mallory', lifecycle: 'production' },
};

/** Everything a model call saw, as one text. */
const seen = (messages: BaseMessage[]) =>
  messages.map(m => String(m.content)).join('\n');

describe.each(databases.eachId())(
  'repository permissions end to end on %s',
  databaseId => {
    let github: GithubTestServer;
    beforeEach(async () => {
      github = await startGithubTestServer({
        acme: [
          {
            name: 'payments',
            visibility: 'private',
            files: {
              'README.md':
                '# Payments\n\nRefunds are issued by the zebra-ledger job every night.',
            },
          },
          {
            name: 'handbook',
            files: {
              'README.md':
                '# Handbook\n\nRefunds to customers follow the public refund policy.',
            },
          },
          {
            name: 'secret-tool',
            visibility: 'private',
            files: {
              'README.md':
                '# Secret tool\n\nRefunds are reconciled by the walrus-audit script.',
            },
          },
        ],
      });
    });
    afterEach(() => github.close());

    it("keeps a denied repository's text out of prompts, tool results, answers and sources, and repository squatting gains nothing", async () => {
      // The model searches again with a tool, then repeats everything it was shown, so any
      // leak into its context would also show in the answer.
      const model = new ScriptedChatModel(messages => {
        if (isTitleRequest(messages)) return { tokens: ['Refunds'] };
        if (!messages.some(m => m.getType() === 'tool')) {
          return {
            toolCalls: [
              {
                name: 'search_knowledge',
                args: { query: 'zebra-ledger refunds walrus-audit' },
              },
            ],
          };
        }
        return { tokens: [seen(messages)] };
      });
      const githubModule = createBackendModule({
        pluginId: 'ai-assistant',
        moduleId: 'test-github',
        register(env) {
          env.registerInit({
            deps: {
              ingestors: aiAssistantIngestorExtensionPoint,
              catalog: catalogServiceRef,
              auth: coreServices.auth,
              logger: coreServices.logger,
            },
            async init({ ingestors, catalog, auth, logger }) {
              const config = new ConfigReader({
                aiAssistant: {
                  ingestors: { github: { organizations: ['acme'] } },
                },
              });
              ingestors.addIngestor(
                new GithubIngestor({
                  config: readGithubIngestorConfig(config)!,
                  apiBaseUrl: github.origin,
                  credentialsProvider: {
                    getCredentials: async () => ({
                      type: 'token',
                      headers: { Authorization: 'Bearer test' },
                      token: 'test',
                    }),
                  },
                  catalog,
                  auth,
                  logger,
                }),
              );
            },
          });
        },
      });
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', model)],
        documents: [doc('intro', 'Welcome to the portal.')],
        entities: [payments, squatter],
        permissions: new DenyEntityTo(PAYMENTS, 'user:default/a'),
        features: [githubModule],
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
      });
      const admin = { Authorization: backend.auth('user:default/admin') };
      const ingested = await waitFor(async () => {
        const res = await request(backend.server)
          .get('/api/ai-assistant/ingestion')
          .set(admin);
        const status = res.body.ingestors.find((i: any) => i.id === 'github');
        return status?.lastRun?.state === 'succeeded' ? status : undefined;
      });
      // The private repository no entity annotates was never ingested.
      expect(ingested.documents).toBe(2);

      const denied = await backend.chat({ message: 'How are refunds issued?' });
      const allowed = await backend.chat(
        { message: 'How are refunds issued?' },
        { user: 'user:default/b' },
      );
      const answerOf = (events: any[]) =>
        events
          .filter(e => e.type === 'delta')
          .map(e => e.data.text)
          .join('');
      const sourcesOf = (events: any[]) =>
        JSON.stringify(events.find(e => e.type === 'sources').data);
      const questions = model.calls.filter(m => !isTitleRequest(m));
      const deniedCalls = questions.slice(0, 2).map(seen).join('\n');
      const allowedCalls = questions.slice(2, 4).map(seen).join('\n');

      // The user whom the policy denies the payments entity sees none of its repository...
      expect(denied.events.at(-1)!.type).toBe('done');
      expect(deniedCalls).toContain('public refund policy');
      expect(deniedCalls).not.toContain('zebra-ledger job');
      expect(answerOf(denied.events)).toContain('public refund policy');
      expect(answerOf(denied.events)).not.toContain('zebra-ledger job');
      expect(sourcesOf(denied.events)).not.toMatch(/payments|zebra/);
      const stored = await backend.conversation(
        denied.events[0].data.conversationId,
      );
      expect(JSON.stringify(stored.body)).not.toMatch(
        /zebra-ledger job|acme\/payments/,
      );

      // ...while a user the policy allows gets it, from the same index and the same tool.
      expect(allowedCalls).toContain('zebra-ledger job');
      expect(answerOf(allowed.events)).toContain('zebra-ledger job');
      expect(sourcesOf(allowed.events)).toContain(PAYMENTS);

      // Nobody gets the unannotated private repository, not even through an entity that
      // claims it from elsewhere (repository squatting).
      expect(model.calls.map(seen).join('\n')).not.toContain(
        'walrus-audit script',
      );
      await backend.stop();
    });
  },
);
