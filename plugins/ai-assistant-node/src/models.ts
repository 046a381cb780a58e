import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

/**
 * One chat model a user can pick.
 *
 * @public
 */
export interface AiAssistantModel {
  /** Stable id, unique across all providers, e.g. `azure-ai/gpt-4o`. */
  id: string;
  /** Name shown in the model picker. */
  displayName: string;
  /** The LangChain chat model that answers. */
  chatModel: BaseChatModel;
  /**
   * Checks, without spending tokens, that the model's server answers, accepts the credentials
   * and, where the provider can tell, has this model. Resolves when it does; rejects with an
   * Error (usually a {@link ProviderError}, a {@link ModelNotFoundError} for a missing model)
   * whose message tells an admin what is wrong and never contains a secret. It makes one
   * attempt with a timeout of a few seconds and ends early when `signal` aborts. The core calls
   * it to report reachability before anyone asks (see {@link createProbeFetch}); leave it out
   * when the provider has no request that costs nothing, and the model counts as unprobed.
   */
  probe?(signal?: AbortSignal): Promise<void>;
}

/**
 * Offers one or more chat models. Many providers can be registered; the first model of the
 * first provider is the default and the rest are fallbacks the user may also pick.
 *
 * @public
 */
export interface ModelProvider {
  /** Short id of the provider, e.g. `azureAi` or `ollama`. */
  id: string;
  /** The models this provider offers, in order of preference. */
  getModels(): Promise<AiAssistantModel[]>;
}
