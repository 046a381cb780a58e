import ollamaModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-ollama';
import {
  type OllamaTestServer,
  startOllamaTestServer,
  words,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { AdminOnlyPermissions } from '../__testUtils__/AdminOnlyPermissions';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import {
  createTestActionsPlugin,
  TEST_ACTIONS_PLUGIN_ID,
} from '../__testUtils__/testActions';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import {
  type KnowledgeDatabaseId,
  knowledgeTestDatabases,
} from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];
const admin = 'user:default/admin';
const alice = 'user:default/alice';
const bob = 'user:default/bob';
const today = () => new Date().toISOString().slice(0, 10);

async function start(
  ollama: OllamaTestServer,
  databaseId: KnowledgeDatabaseId,
  config: JsonObject = {},
) {
  const backend = await startChatBackend({
    models: null,
    features: [ollamaModels],
    permissions: new AdminOnlyPermissions(admin),
    config: {
      models: {
        ollama: { baseUrl: ollama.baseUrl, models: ['primary', 'secondary'] },
      },
      ...config,
    },
    knex:
      databaseId === 'POSTGRES_15'
        ? await databases.init(databaseId)
        : undefined,
  });
  const api = request(backend.server);
  const usage = (query = '', user = admin) =>
    api
      .get(`/api/ai-assistant/admin/usage${query}`)
      .set('Authorization', backend.auth(user));
  return { backend, api, usage };
}

/** The `/api/chat` requests the model server received: every model call, titles included. */
const modelCalls = (ollama: OllamaTestServer) =>
  ollama.requests.filter(r => r.path === '/api/chat');

/** Waits until the model server has received `count` chat requests (answers and titles). */
const untilModelCalls = (ollama: OllamaTestServer, count: number) =>
  waitFor(async () => (modelCalls(ollama).length >= count ? true : undefined));

describe.each(databases.eachId())(
  'usage and token budget on %s',
  databaseId => {
    let ollama: OllamaTestServer;
    beforeEach(async () => {
      ollama = await startOllamaTestServer();
    });
    afterEach(() => ollama.close());

    it('records the tokens Ollama reports, estimates and marks those it does not, and reports them per day and model with errors, fallbacks and feedback but no message text', async () => {
      const { backend, api, usage } = await start(ollama, databaseId);
      const marker = 'zebra-quartz-marker-7c1f';

      // Alice: Ollama reports its counts.
      ollama.scriptChat({ text: 'One two three four.' });
      const first = await backend.chat(
        { message: `How do I deploy? ${marker}` },
        { user: alice },
      );
      expect(first.events.at(-1)?.type).toBe('done');
      await untilModelCalls(ollama, 2); // the answer and the title
      const reported = modelCalls(ollama)[0].body.messages as Array<{
        content: string;
      }>;
      const reportedInput = reported.reduce(
        (sum, m) => sum + words(String(m.content)).length,
        0,
      );

      // Bob: Ollama leaves the counts out, so both sides are estimated from the text.
      const estimatedText = `Estimated answer ${marker}.`;
      ollama.scriptChat({ text: estimatedText, reportUsage: false });
      const second = await backend.chat(
        { message: `Where are the runbooks? ${marker}` },
        { user: bob },
      );
      expect(second.events.at(-1)?.type).toBe('done');
      await untilModelCalls(ollama, 4);

      // Bob again: both models crash before answering, an error.
      ollama.scriptChat({ error: 'model runner crashed' });
      ollama.scriptChat({ error: 'model runner crashed' });
      const third = await backend.chat(
        {
          message: `And the on-call? ${marker}`,
          conversationId: second.events[0].data.conversationId,
        },
        { user: bob },
      );
      expect(third.events.at(-1)?.data.code).toBe('models_unavailable');

      // Alice again: the primary model is down, the secondary answers (a fallback).
      ollama.failNext(500, { 'Retry-After': '0' }, 4);
      ollama.scriptChat({ text: 'From the fallback.' });
      const fourth = await backend.chat(
        {
          message: `Try again ${marker}`,
          conversationId: first.events[0].data.conversationId,
        },
        { user: alice },
      );
      expect(fourth.events.at(-1)?.type).toBe('done');

      const rate = (messageId: string, user: string, rating: string) =>
        api
          .post(`/api/ai-assistant/messages/${messageId}/feedback`)
          .set('Authorization', backend.auth(user))
          .send({ rating, comment: `Comment ${marker}` })
          .expect(204);
      await rate(first.events[0].data.messageId, alice, 'down');
      await rate(first.events[0].data.messageId, alice, 'up'); // a changed mind counts once
      await rate(second.events[0].data.messageId, bob, 'down');

      const res = await usage(`?from=${today()}&to=${today()}`).expect(200);

      const estimatedOutput = Math.ceil(estimatedText.length / 4);
      const primary = res.body.rows.find(
        (r: any) => r.modelId === 'ollama/primary',
      );
      const secondary = res.body.rows.find(
        (r: any) => r.modelId === 'ollama/secondary',
      );
      expect(res.body.rows).toHaveLength(2);
      expect(primary).toMatchObject({
        day: today(),
        chats: 3,
        users: 2,
        estimatedChats: 2, // bob's answer and the failed one
        errors: 1,
        fallbacks: 0,
        feedbackUp: 1,
        feedbackDown: 1,
      });
      // Alice's answer: exactly what the model server counted.
      expect(primary.inputTokens - primary.estimatedInputTokens).toBe(
        reportedInput,
      );
      expect(primary.outputTokens - primary.estimatedOutputTokens).toBe(4);
      // Bob's answer: about four characters a token (the failed one said nothing).
      expect(primary.estimatedOutputTokens).toBe(estimatedOutput);
      expect(primary.estimatedInputTokens).toBeGreaterThan(0);
      expect(secondary).toMatchObject({
        chats: 1,
        users: 1,
        outputTokens: 3,
        estimatedChats: 0,
        fallbacks: 1,
        errors: 0,
      });
      expect(res.body.totals).toMatchObject({ chats: 4, users: 2, errors: 1 });

      // Counts only: no question, answer, comment or user anywhere in the response.
      const body = JSON.stringify(res.body);
      expect(body).not.toContain(marker);
      expect(body).not.toContain('One two three');
      expect(body).not.toContain('user:default');

      // A range without answers is empty, not an error.
      const before = await usage('?from=2026-01-01&to=2026-01-31').expect(200);
      expect(before.body).toMatchObject({ rows: [], totals: { chats: 0 } });
      await backend.stop();
    });

    it('refuses a user over the daily token budget with an error event naming the budget and when it resets, and never asks the model', async () => {
      const { backend, usage } = await start(ollama, databaseId, {
        chat: { dailyTokenBudget: 20 },
      });
      const first = await backend.chat(
        { message: 'How do I deploy?' },
        { user: alice },
      );
      expect(first.events.at(-1)?.type).toBe('done');
      await untilModelCalls(ollama, 2); // the answer and the title
      // The prompt alone is well over 20 tokens.
      const used = (await usage()).body.totals.inputTokens;
      expect(used).toBeGreaterThan(20);

      const refused = await backend.chat(
        {
          message: 'And the on-call?',
          conversationId: first.events[0].data.conversationId,
        },
        { user: alice },
      );

      expect(refused.status).toBe(200);
      expect(refused.events.map(e => e.type)).toEqual([
        'conversation',
        'sources',
        'error',
      ]);
      const error = refused.events[2].data;
      expect(error.code).toBe('budget_exceeded');
      expect(error.message).toContain('daily budget of 20 tokens');
      expect(error.message).toMatch(/resets at 00:00 UTC, in \d+ (h|min)/);
      // Not one more request reached the model server.
      expect(modelCalls(ollama)).toHaveLength(2);
      // The refusal stays in the conversation, as it looked live.
      const stored = await backend.conversation(
        first.events[0].data.conversationId,
        alice,
      );
      expect(stored.body.messages.at(-1)).toMatchObject({
        status: 'error',
        errorCode: 'budget_exceeded',
      });

      // The budget is per user: Bob still gets answers.
      const other = await backend.chat(
        { message: 'How do I deploy?' },
        { user: bob },
      );
      expect(other.events.at(-1)?.type).toBe('done');
      expect(modelCalls(ollama).length).toBeGreaterThan(2);

      const report = await usage().expect(200);
      expect(report.body.dailyTokenBudget).toBe(20);
      // The refusal asked no model, so it is no answer of any model.
      expect(report.body.totals.chats).toBe(2);
      await backend.stop();
    });

    if (databaseId !== mainDatabase) return;

    it('GET /admin/usage is for admins only and says what is wrong with a bad range', async () => {
      const { backend, usage } = await start(ollama, databaseId);

      const forbidden = await usage('', alice).expect(403);
      expect(forbidden.body.error.message).toContain(
        'ai-assistant.ingestion.admin',
      );

      const fallback = await usage().expect(200);
      expect(fallback.body.to).toBe(today());
      expect(
        (Date.parse(fallback.body.to) - Date.parse(fallback.body.from)) /
          86_400_000,
      ).toBe(29);

      const bad: Array<[string, string]> = [
        ['?from=2026-03-02&to=2026-03-01', 'must not be after to'],
        ['?from=2026-02-30', 'from must be a real calendar day'],
        ['?to=yesterday', 'to must be a day as YYYY-MM-DD'],
        ['?from=2024-01-01&to=2026-01-01', 'at most 366'],
        ['?from=2026-01-01&from=2026-01-02', 'from must be given once'],
        ['?days=7', 'days'],
      ];
      for (const [query, message] of bad) {
        const res = await usage(query).expect(400);
        expect(res.body.error.message).toContain(message);
      }
      await backend.stop();
    });

    it("counts an answer that paused for an action's approval once, with the tokens of both parts", async () => {
      const replies = [
        {
          tokens: ['Restarting. '],
          toolCalls: [
            {
              name: 'test-actions__restart-service',
              args: { service: 'payments', reason: 'stuck queue' },
            },
          ],
          usage: { input_tokens: 100, output_tokens: 5, total_tokens: 105 },
        },
        {
          tokens: ['Payments ', 'was restarted.'],
          usage: { input_tokens: 200, output_tokens: 8, total_tokens: 208 },
        },
      ];
      const model = new ScriptedChatModel(messages =>
        isTitleRequest(messages)
          ? { tokens: ['Restart'] }
          : (replies.shift() ?? { tokens: ['(no more replies)'] }),
      );
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/actions', model)],
        backendConfig: {
          actions: { pluginSources: [TEST_ACTIONS_PLUGIN_ID] },
        },
        config: { actions: { tools: ['test-actions:restart-service'] } },
        features: [createTestActionsPlugin([])],
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
      });
      const usage = () =>
        request(backend.server)
          .get('/api/ai-assistant/admin/usage')
          .set('Authorization', backend.auth(admin))
          .expect(200);

      const { events } = await backend.chat({ message: 'Restart payments' });
      const approval = events.find(e => e.type === 'approval')!.data;
      expect((await usage()).body.totals).toMatchObject({
        chats: 1,
        inputTokens: 100,
      });

      const decided = await backend.decide(
        events[0].data.conversationId,
        approval.id,
        { decision: 'approve' },
      );
      expect(decided.events.at(-1)?.type).toBe('done');

      expect((await usage()).body.rows).toEqual([
        expect.objectContaining({
          modelId: 'scripted/actions',
          chats: 1,
          inputTokens: 300,
          outputTokens: 13,
          estimatedChats: 0,
          errors: 0,
        }),
      ]);
      await backend.stop();
    });
  },
);
