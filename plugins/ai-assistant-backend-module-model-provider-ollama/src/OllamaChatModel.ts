import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseMessage } from '@langchain/core/messages';
import { ChatOllama, type ChatOllamaInput } from '@langchain/ollama';
import { Ollama } from 'ollama/browser';

/**
 * `ChatOllama` whose answers each stop with their own caller's abort signal.
 *
 * `ChatOllama` keeps one `ollama` client per model and, when a caller aborts, calls
 * `client.abort()`, which cuts every stream of that client: in a backend where many users share
 * a model, one user closing the chat would end the others' answers. It also only notices the
 * signal between streamed lines, so a request still waiting for Ollama to load the model goes on.
 * This subclass gives every call its own client whose requests carry the caller's signal.
 */
export class OllamaChatModel extends ChatOllama {
  readonly #fetch: typeof fetch;
  readonly #headers?: Record<string, string>;

  constructor(
    fields: ChatOllamaInput & {
      fetch: typeof fetch;
      headers?: Record<string, string>;
    },
  ) {
    super(fields);
    this.#fetch = fields.fetch;
    this.#headers = fields.headers;
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ) {
    options.signal?.throwIfAborted();
    yield* super._streamResponseChunks.call(
      this.#forCall(options.signal),
      messages,
      options,
      runManager,
    );
  }

  async *_streamChatModelEvents(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ) {
    options.signal?.throwIfAborted();
    yield* super._streamChatModelEvents.call(
      this.#forCall(options.signal),
      messages,
      options,
      runManager,
    );
  }

  /** This model, seen through a client of its own whose requests end when `signal` aborts. */
  #forCall(signal: AbortSignal | undefined): this {
    const inner = this.#fetch;
    const client = new Ollama({
      host: this.baseUrl,
      headers: this.#headers,
      fetch: signal
        ? (input, init) =>
            inner(input, {
              ...init,
              signal: init?.signal
                ? AbortSignal.any([init.signal, signal])
                : signal,
            })
        : inner,
    });
    return Object.create(this, { client: { value: client } });
  }
}
