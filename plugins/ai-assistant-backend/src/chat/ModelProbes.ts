import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** What a probe found out about one model. */
export interface ModelReachability {
  /** Undefined when the model's provider has no probe. */
  reachable?: boolean;
  /** Why it is not reachable, for admins and logs: may name hosts, never secrets. */
  error?: Error;
}

interface Entry {
  result: Promise<ModelReachability>;
  /** When the finished result goes stale; undefined while the probe runs. */
  expiresAt?: number;
}

/**
 * Runs the models' reachability probes on demand and keeps each result for a short while, so
 * that a page load, a health check and a status page polling every few seconds cost the
 * provider one cheap request per model per `ttlMs`, and callers asking at the same time share
 * one probe. A probe that ignores its abort signal is given up on after `timeoutMs`.
 */
export class ModelProbes {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #logger: LoggerService;

  constructor(options: {
    logger: LoggerService;
    /** How long a result is reused. Default: 30 s. */
    ttlMs?: number;
    /** Longest wait for one probe. Default: 10 s, above the providers' own few seconds. */
    timeoutMs?: number;
    /** The clock, for tests. */
    now?: () => number;
  }) {
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  check(model: AiAssistantModel): Promise<ModelReachability> {
    if (!model.probe) {
      return Promise.resolve({});
    }
    const cached = this.#entries.get(model.id);
    if (
      cached &&
      (cached.expiresAt === undefined || cached.expiresAt > this.#now())
    ) {
      return cached.result;
    }
    const entry: Entry = {
      result: this.#run(model, cached?.result).finally(() => {
        entry.expiresAt = this.#now() + this.#ttlMs;
      }),
    };
    this.#entries.set(model.id, entry);
    return entry.result;
  }

  async #run(
    model: AiAssistantModel,
    previous: Promise<ModelReachability> | undefined,
  ): Promise<ModelReachability> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = new Error(`no answer within ${this.#timeoutMs} ms`);
        controller.abort(reason);
        reject(reason);
      }, this.#timeoutMs);
    });
    let result: ModelReachability;
    try {
      await Promise.race([model.probe!(controller.signal), timeout]);
      result = { reachable: true };
    } catch (error) {
      result = {
        reachable: false,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    } finally {
      clearTimeout(timer);
    }
    // Log changes only: a page polling every few seconds must not fill the logs.
    const before = (await previous)?.reachable;
    if (result.reachable === false && before !== false) {
      this.#logger.warn(
        `AI assistant model ${model.id} cannot be reached: ${result.error?.message}`,
      );
    } else if (result.reachable && before === false) {
      this.#logger.info(`AI assistant model ${model.id} can be reached again`);
    }
    return result;
  }
}
