import {
  AiAssistantModel,
  createRetryingFetch,
  ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { AzureAiModelsConfig } from './config';
import { createAzureAiChatModel } from './chatModels';

/**
 * Creates the `azureAi` model provider: one model per entry of
 * `aiAssistant.models.azureAi.models`, with id `azureAi/<modelName>` and display name
 * `<modelName> (Azure AI)`, in the order of the config. Requests that hit a rate limit or a
 * server error are retried, honouring `Retry-After`.
 *
 * @public
 */
export function createAzureAiModelProvider(
  config: AzureAiModelsConfig,
): ModelProvider {
  const fetch = createRetryingFetch({
    maxRetries: config.maxRetries,
    timeoutMs: config.timeoutMs,
  });
  const models: AiAssistantModel[] = config.models.map(model => ({
    id: `azureAi/${model.modelName}`,
    displayName: `${model.modelName} (Azure AI)`,
    chatModel: createAzureAiChatModel(model, fetch),
  }));
  return {
    id: 'azureAi',
    async getModels() {
      return models;
    },
  };
}
