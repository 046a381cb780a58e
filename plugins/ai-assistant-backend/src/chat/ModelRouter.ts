import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  type AiAssistantModel,
  type ModelProvider,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { ModelsResponse } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { CircuitBreaker } from './CircuitBreaker';
import { FailedBeforeFirstTokenError } from './streamAnswer';

/**
 * The chat models of every installed provider, in configuration order (the first is the
 * default), and the order in which to try them for one answer.
 */
export class ModelRouter {
  constructor(
    private readonly options: {
      providers: ModelProvider[];
      breaker: CircuitBreaker;
      logger: LoggerService;
    },
  ) {}

  /** Whether any model provider module is installed. */
  get hasProviders(): boolean {
    return this.options.providers.length > 0;
  }

  /**
   * Every model, default first. A provider whose model list cannot be read is left out and
   * logged, so one broken provider does not hide the others.
   */
  async listModels(): Promise<AiAssistantModel[]> {
    const lists = await Promise.all(
      this.options.providers.map(async provider => {
        try {
          return await provider.getModels();
        } catch (error) {
          this.options.logger.warn(
            `AI assistant model provider ${provider.id} could not list its models: ${error}`,
          );
          return [];
        }
      }),
    );
    return lists.flat();
  }

  /** What `GET /models` answers. */
  async describe(): Promise<ModelsResponse> {
    const models = await this.listModels();
    return {
      models: models.map(({ id, displayName }) => ({ id, displayName })),
      defaultModelId: models[0]?.id,
    };
  }

  /**
   * The models to try for one answer: the one the user picked (or the default), then the
   * others in configuration order, leaving out those the circuit breaker skips.
   * Throws InputError for an unknown model id.
   */
  async candidates(modelId?: string): Promise<AiAssistantModel[]> {
    const models = await this.listModels();
    const chosen = modelId ? models.find(m => m.id === modelId) : models[0];
    if (modelId && !chosen) {
      throw new InputError(
        `Unknown model '${modelId}'; GET /models lists the available ones`,
      );
    }
    const ordered = chosen
      ? [chosen, ...models.filter(m => m !== chosen)]
      : models;
    return ordered.filter(m => !this.options.breaker.isOpen(m.id));
  }

  /**
   * Remembers how a model did, for the circuit breaker. A failure counts only when it is the
   * provider's (see {@link isProviderSideFailure}): the breaker is shared by every user, so a
   * refusal of one user's own text must not pause the model for everyone.
   */
  report(modelId: string, ok: boolean, error?: unknown): void {
    if (ok) {
      this.options.breaker.recordSuccess(modelId);
    } else if (isProviderSideFailure(error)) {
      this.options.breaker.recordFailure(modelId);
    }
  }

  /** Whether the circuit breaker currently skips a model; for health reports. */
  isSkipped(modelId: string): boolean {
    return this.options.breaker.isOpen(modelId);
  }
}

/** HTTP 4xx statuses that mean the provider is overloaded or slow, not that the request is bad. */
const PROVIDER_SIDE_4XX = new Set([408, 429]);

/**
 * Whether a model failure is the provider's: a server error (5xx), a rate limit (429), a
 * timeout or a connection error. Other 4xx answers (e.g. Azure's content filter, HTTP 400
 * `content_filter`, or a prompt over the context length) depend on the request, i.e. on what
 * one user wrote, and so say nothing about whether the model works for others.
 */
export function isProviderSideFailure(error: unknown): boolean {
  const cause =
    error instanceof FailedBeforeFirstTokenError ? error.cause : error;
  const status = cause instanceof ProviderError ? cause.status : undefined;
  return (
    status === undefined ||
    status < 400 ||
    status >= 500 ||
    PROVIDER_SIDE_4XX.has(status)
  );
}
