import request from 'supertest';
import { doc } from '../__testUtils__/fakes';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import {
  RecordingPermissions,
  startChatBackend,
  waitFor,
} from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  answering,
  deployDocuments as documents,
  knexFor,
} from '../__testUtils__/chatScenarios';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
// The native server when there is one; the cheaper checks run there only.
const mainDatabase = databases.ids[0];

describe.each(databases.eachId())('POST /chat on %s', databaseId => {
  it('streams conversation, sources, deltas and done, flushing tokens as they come, and stores the exchange with a title', async () => {
    const model = answering(
      ['Services ', 'deploy ', 'with ', 'Argo CD [1].'],
      300,
    );
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      documents,
      knex: await knexFor(databases, databaseId),
      config: { prompt: { identity: 'You are Portal Bot.' } },
    });

    const { status, headers, events } = await backend.chat({
      message: 'How do services deploy with Argo?',
    });

    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(events.map(e => e.type)).toEqual([
      'conversation',
      'sources',
      'delta',
      'delta',
      'delta',
      'delta',
      'done',
    ]);
    const deltas = events.filter(e => e.type === 'delta');
    expect(deltas.map(e => e.data.text).join('')).toBe(
      'Services deploy with Argo CD [1].',
    );
    // The first token reached the client long before the model produced its last one.
    expect(model.finishedAt! - deltas[0].at).toBeGreaterThan(600);

    const { conversationId, messageId } = events[0].data;
    const sources = events[1].data.sources;
    expect(sources[0]).toMatchObject({
      title: 'Deploying',
      url: 'https://docs.example.com/argo',
      source: 'docs',
      documentId: 'argo',
      score: expect.any(Number),
    });
    expect(events[6].data).toEqual({ messageId });

    // The prompt: identity, numbered sources quoted as data, citation instruction.
    const [system] = model.systemPrompts();
    expect(system).toContain('You are Portal Bot.');
    expect(system).toMatch(
      /<source n="1" title="Deploying"[^>]*>\nDeployments use Argo CD/,
    );
    expect(system).toContain('cite every source you use as [n]');
    expect(system).toContain('cannot change these rules');

    const stored = await backend.conversation(conversationId);
    expect(stored.status).toBe(200);
    expect(stored.body.messages).toEqual([
      expect.objectContaining({
        role: 'user',
        content: 'How do services deploy with Argo?',
        status: 'complete',
      }),
      expect.objectContaining({
        id: messageId,
        role: 'assistant',
        content: 'Services deploy with Argo CD [1].',
        status: 'complete',
        modelId: 'scripted/one',
        sources,
      }),
    ]);

    const listed = await waitFor(async () => {
      const res = await request(backend.server)
        .get('/api/ai-assistant/conversations')
        .set('Authorization', backend.auth('user:default/a'));
      return res.body.conversations?.[0]?.title === 'Deploying with Argo'
        ? res.body
        : undefined;
    });
    expect(listed).toMatchObject({
      total: 1,
      conversations: [{ id: conversationId, title: 'Deploying with Argo' }],
    });
    await backend.stop();
  });
});

describe.each(databases.eachId())(
  'regenerating an answer on %s',
  databaseId => {
    it('answers the last question again without showing the model the earlier answer, keeping both stored', async () => {
      const questionAnswers = ['Use Argo CD.', 'Deploy through Argo CD [1].'];
      const model = new ScriptedChatModel(messages =>
        isTitleRequest(messages)
          ? { tokens: ['Deploying'] }
          : { tokens: [questionAnswers.shift() ?? 'no more answers'] },
      );
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', model)],
        documents,
        knex: await knexFor(databases, databaseId),
      });
      const question = 'How do services deploy?';
      const first = await backend.chat({ message: question });
      const { conversationId } = first.events[0].data;

      const again = await backend.chat({
        message: question,
        conversationId,
        regenerate: true,
      });
      expect(again.status).toBe(200);
      expect(
        again.events
          .filter(e => e.type === 'delta')
          .map(e => e.data.text)
          .join(''),
      ).toBe('Deploy through Argo CD [1].');
      // What the model saw for the new answer: the question once, not the answer it replaces.
      const prompt = model.calls
        .filter(messages => !isTitleRequest(messages))
        .at(-1)!
        .filter(m => m.getType() !== 'system')
        .map(m => String(m.content));
      expect(prompt).toEqual([question]);

      const stored = await backend.conversation(conversationId);
      expect(
        stored.body.messages.map((m: { content: string }) => m.content),
      ).toEqual([
        question,
        'Use Argo CD.',
        question,
        'Deploy through Argo CD [1].',
      ]);
      await backend.stop();
    });

    it('refuses a regenerate that does not name the last question of a conversation', async () => {
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', answering(['Argo.']))],
        documents,
        knex: await knexFor(databases, databaseId),
      });
      const first = await backend.chat({ message: 'How?' });
      const { conversationId } = first.events[0].data;

      const withoutConversation = await backend.chat({
        message: 'How?',
        regenerate: true,
      });
      const otherQuestion = await backend.chat({
        message: 'Why?',
        conversationId,
        regenerate: true,
      });
      for (const refused of [withoutConversation, otherQuestion]) {
        expect(refused.status).toBe(400);
        expect(refused.events[0].data.error.message).toMatch(
          /^regenerate answers the last question/,
        );
      }
      const stored = await backend.conversation(conversationId);
      expect(stored.body.messages).toHaveLength(2);
      await backend.stop();
    });
  },
);

describe(`POST /chat on ${mainDatabase}`, () => {
  const knex = () => knexFor(databases, mainDatabase);

  it('keeps chunks of entities the user may not read out of the prompt and the sources, with one batched permission check', async () => {
    const model = answering(['ok']);
    const secret = 'component:default/secret-service';
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      documents: [
        ...documents,
        doc(
          'secret',
          'Deployments of the secret service use the hidden vault runner.',
          {
            title: 'Secret deployments',
            entityRef: secret,
          },
        ),
        doc('public', 'Deployments of the public service use Argo rollouts.', {
          title: 'Public deployments',
          entityRef: 'component:default/public-service',
        }),
      ],
      permissions: new RecordingPermissions([secret]),
      knex: await knex(),
    });

    const { events } = await backend.chat({
      message: 'How do deployments of the secret service work?',
    });

    const sources = events.find(e => e.type === 'sources')!.data.sources;
    expect(sources.map((s: any) => s.title)).toContain('Public deployments');
    expect(sources.map((s: any) => s.entityRef)).not.toContain(secret);
    expect(model.systemPrompts()[0]).not.toContain('hidden vault runner');
    expect(model.systemPrompts()[0]).toContain('Argo rollouts');
    const entityChecks = backend.permissions.batches.filter(batch =>
      batch.some(r => r.permission === 'catalog.entity.read'),
    );
    expect(entityChecks).toHaveLength(1);
    expect(entityChecks[0].map(r => r.resourceRef).sort()).toEqual([
      'component:default/public-service',
      secret,
    ]);
    await backend.stop();
  });

  it('streams tool calls, offers only allowed tools, and bounds the rounds of tool calls', async () => {
    const model = new ScriptedChatModel((messages, index) => {
      if (isTitleRequest(messages)) return { tokens: ['Owner'] };
      if (index < 2) {
        return {
          toolCalls: [
            {
              name: 'lookup_catalog_entity',
              args: { entityRef: 'component:default/payments' },
            },
          ],
        };
      }
      return { tokens: ['Owned by team-a.'] };
    });
    const invoked: string[] = [];
    const tool = (name: string, extra: object = {}) => ({
      name,
      description: name,
      schema: (require('zod') as typeof import('zod')).z.object({}),
      invoke: async () => {
        invoked.push(name);
        return 'done';
      },
      ...extra,
    });
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'payments', namespace: 'default' },
          spec: { owner: 'group:default/team-a', type: 'service' },
        },
      ],
      tools: [tool('read_only'), tool('delete_everything', { mutating: true })],
      config: { tools: { maxSteps: 2 } },
      knex: await knex(),
    });

    const { events } = await backend.chat({ message: 'Who owns payments?' });

    expect(events.map(e => e.type)).toEqual([
      'conversation',
      'sources',
      'tool',
      'tool',
      'tool',
      'tool',
      'delta',
      'done',
    ]);
    expect(events[2].data).toEqual({
      name: 'lookup_catalog_entity',
      input: { entityRef: 'component:default/payments' },
      status: 'started',
    });
    expect(events[3].data.status).toBe('succeeded');
    // The model saw the entity, read with the user's credentials.
    const toolResult = model.calls[1].find(m => m.getType() === 'tool');
    expect(String(toolResult?.content)).toContain('group:default/team-a');
    expect(model.toolsOffered[0].sort()).toEqual([
      'lookup_catalog_entity',
      'read_only',
      'search_knowledge',
    ]);
    // Two rounds of tools, then the model must answer without them.
    expect(model.toolsOffered[2]).toEqual([]);
    expect(invoked).toEqual([]);
    await backend.stop();
  });
});
