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
