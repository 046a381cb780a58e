import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  type AiAssistantModel,
  ModelNotFoundError,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { HumanMessage } from '@langchain/core/messages';
import {
  type ScriptedReply,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import type { AnswerProgress } from './answerState';
import { CircuitBreaker } from './CircuitBreaker';
import { ModelProbes } from './ModelProbes';
import { ModelRouter } from './ModelRouter';
import { streamAnswer } from './streamAnswer';

const unreachable = () =>
  new ProviderError({
    provider: 'Ollama',
    model: 'llama3.1',
    url: 'http://ollama.internal:11434/api/tags',
    cause:
      'cannot reach the server (ECONNREFUSED); check baseUrl and that Ollama is running',
  });

function model(
  id: string,
  probe?: AiAssistantModel['probe'],
): AiAssistantModel {
  return {
    id,
    displayName: `Model ${id}`,
    chatModel: new ScriptedChatModel(() => ({ tokens: ['hi'] })),
    ...(probe && { probe }),
  };
}

function routerFor(
  models: AiAssistantModel[],
  probes: Partial<ConstructorParameters<typeof ModelProbes>[0]> = {},
) {
  const logger = mockServices.logger.mock();
  const router = new ModelRouter({
    providers: [{ id: 'test', getModels: async () => models }],
    breaker: new CircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000 }),
    logger,
    probes: new ModelProbes({ logger, ...probes }),
  });
  return { router, logger };
}

describe('ModelRouter reachability', () => {
  it('tells GET /models which models answer, with reasons for users that name no host, URL or setting', async () => {
    const { router } = routerFor([
      model('up', async () => {}),
      model('down', async () => {
        throw unreachable();
      }),
      model('refused', async () => {
        throw new ProviderError({
          provider: 'Azure AI',
          status: 401,
          cause: 'x',
        });
      }),
      model('missing', async () => {
        throw new ModelNotFoundError({
          provider: 'Ollama',
          model: 'mistral',
          url: 'http://ollama.internal:11434/api/tags',
          available: ['llama3.1:latest'],
          hint: 'pull it',
        });
      }),
      model('unprobed'),
    ]);

    const described = await router.describe();

    expect(described.models).toEqual([
      { id: 'up', displayName: 'Model up', reachable: true },
      {
        id: 'down',
        displayName: 'Model down',
        reachable: false,
        unreachableReason:
          'The service behind this model does not answer right now.',
      },
      {
        id: 'refused',
        displayName: 'Model refused',
        reachable: false,
        unreachableReason:
          'The service behind this model refused the assistant.',
      },
      {
        id: 'missing',
        displayName: 'Model missing',
        reachable: false,
        unreachableReason: 'This model is not available on its service.',
      },
      { id: 'unprobed', displayName: 'Model unprobed' },
    ]);
    expect(JSON.stringify(described)).not.toMatch(
      /ollama\.internal|http|baseUrl|config|ECONNREFUSED/,
    );
  });

  it('probes a model once per cache period, and callers asking at the same time share the probe', async () => {
    let now = 1_000_000;
    let probes = 0;
    let answer: () => void = () => {};
    const { router } = routerFor(
      [
        model('slow', () => {
          probes++;
          return new Promise<void>(resolve => {
            answer = resolve;
          });
        }),
      ],
      { ttlMs: 30_000, now: () => now },
    );

    const first = router.describe();
    const second = router.describe();
    await waitUntil(() => probes > 0);
    answer();
    expect((await first).models[0].reachable).toBe(true);
    expect((await second).models[0].reachable).toBe(true);
    expect(probes).toBe(1);

    now += 29_000;
    await router.describe();
    expect(probes).toBe(1);

    now += 2_000;
    const third = router.describe();
    await waitUntil(() => probes === 2);
    answer();
    await third;
  });

  it('gives up on a probe that ignores its signal, and aborts it', async () => {
    let signal: AbortSignal | undefined;
    const { router } = routerFor(
      [
        model('stuck', s => {
          signal = s;
          return new Promise<void>(() => {});
        }),
      ],
      { timeoutMs: 100 },
    );
    const [stuck] = await router.listModels();
    const result = await router.probe(stuck);
    expect(result.reachable).toBe(false);
    expect(result.error?.message).toBe('no answer within 100 ms');
    expect(signal?.aborted).toBe(true);
  });

  it('logs a model becoming unreachable once, not at every probe', async () => {
    let now = 0;
    const { router, logger } = routerFor(
      [
        model('down', async () => {
          throw unreachable();
        }),
      ],
      { ttlMs: 10, now: () => now },
    );
    for (let i = 0; i < 3; i++) {
      await router.describe();
      now += 20;
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      `AI assistant model down cannot be reached: ${unreachable().message}`,
    );
  });
});

describe('ModelRouter.firstAnswer', () => {
  const providerFailure = (status: number) =>
    new ProviderError({
      provider: 'Azure AI',
      status,
      cause: 'upstream said no',
    });

  const scripted = (id: string, reply: () => ScriptedReply) =>
    scriptedModel(id, new ScriptedChatModel(reply));

  /** One answer, as the chat asks for it: each candidate streams until one answers. */
  async function answer(
    router: ModelRouter,
    candidates: AiAssistantModel[],
    stop = new AbortController(),
  ) {
    const events: ChatStreamEvent[] = [];
    const progress: AnswerProgress = {
      text: '',
      toolCalls: [],
      started: false,
    };
    const outcome = await router.firstAnswer(
      candidates,
      candidate =>
        streamAnswer({
          model: candidate,
          messages: [new HumanMessage('How do we deploy?')],
          tools: [],
          maxSteps: 1,
          firstTokenTimeoutMs: 60_000,
          credentials: mockCredentials.user(),
          sink: { send: event => events.push(event) },
          signal: stop.signal,
          progress,
        }),
      stop.signal,
    );
    return { outcome, text: progress.text, events };
  }

  it('hands the answer to the next model when one fails before its first token, and skips a model that keeps failing', async () => {
    const down = scripted('down', () => ({
      failBeforeFirstToken: providerFailure(502),
    }));
    const up = scripted('up', () => ({ tokens: ['Use ', 'Argo CD.'] }));
    const { router, logger } = routerFor([down, up]);

    for (let i = 0; i < 3; i++) {
      const { outcome, text } = await answer(router, await router.candidates());
      expect(outcome).toMatchObject({ kind: 'answered', model: { id: 'up' } });
      // Nothing of the failed model reaches the user.
      expect(text).toBe('Use Argo CD.');
    }
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^AI assistant model call failed \(error id [0-9a-f-]+\)/,
      ),
      expect.objectContaining({ model: 'down', beforeFirstToken: true }),
    );

    // Three failures in a row: the next users are not made to wait for it.
    expect((await router.candidates()).map(m => m.id)).toEqual(['up']);
    expect(router.isSkipped('down')).toBe(true);
  });

  it('ends the answer when a model fails midway, keeping its text and asking no other model', async () => {
    const next = new ScriptedChatModel(() => ({ tokens: ['Other answer'] }));
    const { router } = routerFor([]);

    const { outcome, text } = await answer(router, [
      scripted('flaky', () => ({
        tokens: ['Deployments ', 'use '],
        failAfterTokens: providerFailure(500),
      })),
      scriptedModel('next', next),
    ]);

    expect(outcome).toMatchObject({
      kind: 'failed',
      model: { id: 'flaky' },
      error: {
        code: 'model_error',
        message: expect.stringMatching(
          /^The model service stopped while answering; try again\. If it persists, give your administrator this id: [0-9a-f-]+\.$/,
        ),
      },
    });
    expect(text).toBe('Deployments use ');
    expect(next.calls).toHaveLength(0);
  });

  it('asks the user to rephrase only when every model refused the message itself, and pauses no model for it', async () => {
    const { router } = routerFor([]);
    const refusing = [
      scripted('a', () => ({ failBeforeFirstToken: providerFailure(400) })),
      scripted('b', () => ({ failBeforeFirstToken: providerFailure(413) })),
    ];

    for (let i = 0; i < 4; i++) {
      const { outcome } = await answer(router, refusing);
      expect(outcome).toMatchObject({
        kind: 'failed',
        error: {
          code: 'models_unavailable',
          message: expect.stringMatching(/^The model refused this message/),
        },
      });
    }
    // One user's text says nothing about whether the models work for others.
    expect(router.isSkipped('a')).toBe(false);
    expect(router.isSkipped('b')).toBe(false);

    const { outcome } = await answer(router, [
      refusing[0],
      scripted('c', () => ({ failBeforeFirstToken: providerFailure(503) })),
    ]);
    expect(outcome).toMatchObject({
      kind: 'failed',
      model: { id: 'a' },
      error: {
        message: expect.stringMatching(
          /^The model service is unavailable right now/,
        ),
      },
    });
  });

  it('tells the user no model is available, and the admins which setting paused them, when every model is skipped', async () => {
    const { router, logger } = routerFor([]);

    const { outcome, events } = await answer(router, []);

    expect(outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'models_unavailable' },
    });
    expect(events).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /no model to ask .*paused for up to 60 seconds \(aiAssistant\.chat\.circuitBreaker\)/,
      ),
      expect.anything(),
    );
  });

  it('stops at the user pressing stop, without asking another model or counting it against the model', async () => {
    let stop = new AbortController();
    const next = new ScriptedChatModel(() => ({ tokens: ['Other answer'] }));
    const { router } = routerFor([]);
    // The user stops the answer while the model is still thinking.
    const slow = scripted('slow', () => {
      stop.abort(new Error('The client closed the request'));
      return { tokens: ['Never shown'], delayMs: 60_000 };
    });

    for (let i = 0; i < 3; i++) {
      stop = new AbortController();
      const { outcome, text } = await answer(
        router,
        [slow, scriptedModel('next', next)],
        stop,
      );
      expect(outcome).toMatchObject({ kind: 'aborted', model: { id: 'slow' } });
      expect(text).toBe('');
    }
    expect(next.calls).toHaveLength(0);
    expect(router.isSkipped('slow')).toBe(false);
  });
});

async function waitUntil(condition: () => boolean) {
  for (let i = 0; i < 2_000 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}
