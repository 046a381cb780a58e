import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  type AiAssistantModel,
  ModelNotFoundError,
  type ModelProvider,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type {
  ChatErrorEventData,
  ModelsResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { randomUUID } from 'node:crypto';
import {
  type AiAssistantMetrics,
  noopMetrics,
} from '../metrics/AiAssistantMetrics';
import { FailedBeforeFirstTokenError } from './answerState';
import { CircuitBreaker } from './CircuitBreaker';
import { chatFailure, FAILURE_MESSAGES, refusedRequest } from './failures';
import { ModelProbes, type ModelReachability } from './ModelProbes';

/** How asking the candidate models for one answer ended. */
export type ModelAttemptOutcome<T> =
  /** A model answered; `result` is what its attempt returned. */
  | { kind: 'answered'; model: AiAssistantModel; result: T }
  /** The user stopped the answer while `model` was answering. */
  | { kind: 'aborted'; model: AiAssistantModel }
  /**
   * No model answered: `model` stopped midway, or (when every candidate failed before its
   * first token, or there was none) the first candidate. `error` is what the user is told.
   */
  | { kind: 'failed'; model?: AiAssistantModel; error: ChatErrorEventData };

/**
 * The chat models of every installed provider, in configuration order (the first is the
 * default), and the order in which to try them for one answer.
 */
export class ModelRouter {
  readonly #probes: ModelProbes;

  constructor(
    private readonly options: {
      providers: ModelProvider[];
      breaker: CircuitBreaker;
      logger: LoggerService;
      /** Counts model failures by model. */
      metrics?: AiAssistantMetrics;
      /** Reachability checks; see {@link ModelProbes} for the defaults. */
      probes?: ModelProbes;
    },
  ) {
    this.#probes =
      options.probes ?? new ModelProbes({ logger: options.logger });
  }

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

  /**
   * What `GET /models` answers, with each probed model's reachability and, when it cannot be
   * reached, a reason in words for users: the probe's own message names hosts and config keys,
   * which are for admins (`GET /health`) and the logs.
   */
  async describe(): Promise<ModelsResponse> {
    const models = await this.listModels();
    const reachability = await Promise.all(models.map(m => this.probe(m)));
    return {
      models: models.map(({ id, displayName }, i) => {
        const { reachable, error } = reachability[i];
        if (reachable === undefined) return { id, displayName };
        return reachable
          ? { id, displayName, reachable }
          : {
              id,
              displayName,
              reachable,
              unreachableReason: userReason(error),
            };
      }),
      defaultModelId: models[0]?.id,
    };
  }

  /**
   * Whether a model's server answers, from a probe at most {@link ModelProbes}' cache time old;
   * callers asking at the same time share one probe. `reachable` is undefined for a model
   * without a probe.
   */
  probe(model: AiAssistantModel): Promise<ModelReachability> {
    return this.#probes.check(model);
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
   * Asks the candidates in turn until one answers, and records how each did: the circuit
   * breaker, the failure metric and a log line under one error id, which the user's error
   * message names. A model that fails before its first token
   * ({@link FailedBeforeFirstTokenError}) hands over to the next; once a model has started
   * answering, its failure ends the answer.
   */
  async firstAnswer<T>(
    candidates: AiAssistantModel[],
    attempt: (model: AiAssistantModel) => Promise<T>,
    signal: AbortSignal,
  ): Promise<ModelAttemptOutcome<T>> {
    const { logger } = this.options;
    const metrics = this.options.metrics ?? noopMetrics;
    const errorId = randomUUID();
    let failedBeforeAnswering = 0;
    let refusedEverywhere = true;
    for (const model of candidates) {
      try {
        const result = await attempt(model);
        this.report(model.id, true);
        return { kind: 'answered', model, result };
      } catch (error) {
        if (signal.aborted) {
          return { kind: 'aborted', model };
        }
        this.report(model.id, false, error);
        metrics.providerError('model', model.id);
        const beforeFirstToken = error instanceof FailedBeforeFirstTokenError;
        logger.warn(
          `AI assistant model call failed (error id ${errorId}): ${describeFailure(model, error)}`,
          { model: model.id, beforeFirstToken, errorId },
        );
        refusedEverywhere &&= refusedRequest(error);
        if (!beforeFirstToken) {
          return {
            kind: 'failed',
            model,
            error: chatFailure(
              'model_error',
              FAILURE_MESSAGES.stopped,
              errorId,
            ),
          };
        }
        failedBeforeAnswering += 1;
      }
    }
    if (failedBeforeAnswering === 0) {
      logger.warn(
        `AI assistant has no model to ask (error id ${errorId}): every configured model failed repeatedly and is paused for up to ${this.options.breaker.cooldownMs / 1000} seconds (aiAssistant.chat.circuitBreaker). Check the model provider config under aiAssistant.models and that the provider is reachable.`,
        { errorId },
      );
    }
    // Only when every model refused the request itself (e.g. a content filter) can the user
    // do something about it.
    const refused = failedBeforeAnswering > 0 && refusedEverywhere;
    return {
      kind: 'failed',
      model: candidates[0],
      error: chatFailure(
        'models_unavailable',
        refused ? FAILURE_MESSAGES.refused : FAILURE_MESSAGES.unavailable,
        errorId,
      ),
    };
  }

  /**
   * Remembers how a model did, for the circuit breaker. A failure counts only when it is the
   * provider's (see {@link isProviderSideFailure}): the breaker is shared by every user, so a
   * refusal of one user's own text must not pause the model for everyone.
   */
  private report(modelId: string, ok: boolean, error?: unknown): void {
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

// For the logs only. Provider errors already name the provider and model and say how to fix
// them.
function describeFailure(model: AiAssistantModel, error: unknown): string {
  const cause =
    error instanceof FailedBeforeFirstTokenError ? error.cause : error;
  const text = cause instanceof Error ? cause.message : String(cause);
  const named = cause instanceof Error && cause.name === 'ProviderError';
  return named ? `${text}.` : `Model ${model.id} failed: ${text}.`;
}

/**
 * A reason for users why a model cannot answer, from the probe's error: whether its server
 * refused the assistant, does not have the model, or does not answer. Never the error's own
 * message, which names hosts and config keys.
 */
function userReason(error: unknown): string {
  const status = error instanceof ProviderError ? error.status : undefined;
  if (status === 401 || status === 403) {
    return 'The service behind this model refused the assistant.';
  }
  if (error instanceof ModelNotFoundError || status === 404) {
    return 'This model is not available on its service.';
  }
  return 'The service behind this model does not answer right now.';
}
