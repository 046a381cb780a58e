import { mockServices } from '@backstage/backend-test-utils';
import {
  type AiAssistantModel,
  ModelNotFoundError,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { ScriptedChatModel } from '../__testUtils__/ScriptedChatModel';
import { CircuitBreaker } from './CircuitBreaker';
import { ModelProbes } from './ModelProbes';
import { ModelRouter } from './ModelRouter';

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

async function waitUntil(condition: () => boolean) {
  for (let i = 0; i < 2_000 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}
