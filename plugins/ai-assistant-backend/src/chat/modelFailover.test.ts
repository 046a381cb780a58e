import request from 'supertest';
import {
  answering,
  deployDocuments as documents,
  knexFor,
} from '../__testUtils__/chatScenarios';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
// The native server when there is one.
const mainDatabase = databases.ids[0];

describe(`POST /chat when models fail or the user stops, on ${mainDatabase}`, () => {
  const knex = () => knexFor(databases, mainDatabase);

  it('answers with the next model when the chosen one fails before its first token', async () => {
    const primary = new ScriptedChatModel(() => ({
      failBeforeFirstToken: new Error('HTTP 429: rate limited'),
    }));
    const secondary = answering(['from ', 'the fallback']);
    const backend = await startChatBackend({
      models: [
        scriptedModel('scripted/primary', primary),
        scriptedModel('scripted/secondary', secondary),
      ],
      knex: await knex(),
    });

    const { events } = await backend.chat({ message: 'hello' });

    expect(events.map(e => e.type)).toEqual([
      'conversation',
      'sources',
      'delta',
      'delta',
      'done',
    ]);
    expect(primary.calls).toHaveLength(1);
    const stored = await backend.conversation(events[0].data.conversationId);
    expect(stored.body.messages[1]).toMatchObject({
      content: 'from the fallback',
      modelId: 'scripted/secondary',
      status: 'complete',
    });
    await backend.stop();
  });

  it('falls back when a model does not start answering within the first-token timeout', async () => {
    const slow = answering(['too late'], 5_000);
    const backend = await startChatBackend({
      models: [
        scriptedModel('scripted/slow', slow),
        scriptedModel('scripted/fast', answering(['fast'])),
      ],
      config: { chat: { firstTokenTimeoutSeconds: 1 } },
      knex: await knex(),
    });
    const started = Date.now();
    const { events } = await backend.chat({ message: 'hello' });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(
      events.filter(e => e.type === 'delta').map(e => e.data.text),
    ).toEqual(['fast']);
    expect(slow.aborted).toBe(1);
    await backend.stop();
  });

  it('skips a model that keeps failing until its cool-down is over', async () => {
    const broken = new ScriptedChatModel(() => ({
      failBeforeFirstToken: new Error('connection refused'),
    }));
    const backend = await startChatBackend({
      models: [
        scriptedModel('scripted/broken', broken),
        scriptedModel('scripted/ok', answering(['fine'])),
      ],
      config: {
        chat: { circuitBreaker: { failureThreshold: 2, cooldownSeconds: 600 } },
      },
      knex: await knex(),
    });
    for (let i = 0; i < 4; i++) {
      const { events } = await backend.chat({ message: `question ${i}` });
      expect(events.at(-1)!.type).toBe('done');
    }
    expect(broken.calls).toHaveLength(2);
    const health = await request(backend.server).get(
      '/api/ai-assistant/health',
    );
    expect(health.body.models.models).toEqual([
      expect.objectContaining({
        id: 'scripted/broken',
        status: 'cooling-down',
      }),
      expect.objectContaining({ id: 'scripted/ok', status: 'ok' }),
    ]);
    await backend.stop();
  });

  it('still shows sources and stores the turn when no model provider is installed', async () => {
    const backend = await startChatBackend({
      models: null,
      documents,
      knex: await knex(),
    });
    const { events } = await backend.chat({ message: 'How does Argo deploy?' });
    expect(events.map(e => e.type)).toEqual([
      'conversation',
      'sources',
      'error',
    ]);
    expect(events[1].data.sources.length).toBeGreaterThan(0);
    expect(events[2].data.code).toBe('no_model_provider');
    // Words for users: how to fix it (modules, config keys) is for the admins' log.
    expect(events[2].data.message).toMatch(
      /can only show the sources it found/,
    );
    expect(events[2].data.message).not.toMatch(/aiAssistant\.|module/);

    const stored = await backend.conversation(events[0].data.conversationId);
    expect(stored.body.messages).toEqual([
      expect.objectContaining({
        role: 'user',
        content: 'How does Argo deploy?',
      }),
      expect.objectContaining({
        role: 'assistant',
        status: 'error',
        error: events[2].data.message,
        // So that a reloaded conversation shows the error as it looked live.
        errorCode: 'no_model_provider',
        sources: events[1].data.sources,
      }),
    ]);
    await backend.stop();
  });

  it('tells the user the model service is unavailable, not the provider error, when no model answers', async () => {
    const { ProviderError } =
      await import('@ai-assistant/backstage-plugin-ai-assistant-node');
    const failing = new ScriptedChatModel(() => ({
      failBeforeFirstToken: new ProviderError({
        provider: 'azureAi',
        model: 'gpt-4o',
        status: 401,
        cause: new Error('Unauthorized'),
      }),
    }));
    const backend = await startChatBackend({
      models: [scriptedModel('azure-ai/gpt-4o', failing)],
      knex: await knex(),
    });
    const { events } = await backend.chat({ message: 'hello' });
    expect(events.map(e => e.type)).toEqual([
      'conversation',
      'sources',
      'error',
    ]);
    // The provider error is for administrators: logged under the id the user gets.
    const { errorId } = events[2].data;
    expect(events[2].data).toEqual({
      code: 'models_unavailable',
      errorId: expect.any(String),
      message: `The model service is unavailable right now; try again in a minute. If it persists, give your administrator this id: ${errorId}.`,
    });
    await backend.stop();
  });

  it('aborts the model call when the client closes the request and stores the partial answer as aborted', async () => {
    const tokens = Array.from({ length: 30 }, (_, i) => `t${i} `);
    const model = answering(tokens, 100);
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      knex: await knex(),
    });
    const { events } = await backend.chat(
      { message: 'write a long answer' },
      { stopAfterDeltas: 2 },
    );
    const { conversationId, messageId } = events[0].data;

    const answer = await waitFor(async () => {
      const res = await backend.conversation(conversationId);
      return res.body.messages?.find((m: any) => m.id === messageId);
    });
    expect(answer.status).toBe('aborted');
    expect(answer.content.startsWith('t0 t1 ')).toBe(true);
    expect(answer.content.length).toBeLessThan(tokens.join('').length);
    expect(model.aborted).toBe(1);
    await backend.stop();
  });
});
