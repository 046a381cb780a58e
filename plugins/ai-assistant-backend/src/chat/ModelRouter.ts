import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  AiAssistantModel,
  ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { ModelsResponse } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { CircuitBreaker } from './CircuitBreaker';

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

  /** Remembers how a model did, for the circuit breaker. */
  report(modelId: string, ok: boolean): void {
    if (ok) {
      this.options.breaker.recordSuccess(modelId);
    } else {
      this.options.breaker.recordFailure(modelId);
    }
  }

  /** Whether the circuit breaker currently skips a model; for health reports. */
  isSkipped(modelId: string): boolean {
    return this.options.breaker.isOpen(modelId);
  }
}
