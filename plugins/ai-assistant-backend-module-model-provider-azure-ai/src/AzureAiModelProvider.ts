import {
  AiAssistantModel,
  createRetryingFetch,
  ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { AzureAiModelsConfig } from './config';
import { createAzureAiChatModel } from './chatModels';
import { createAzureAiProbe } from './probe';

/**
 * Creates the `azureAi` model provider: one model per entry of
 * `aiAssistant.models.azureAi.models`, with id `azureAi/<modelName>` and display name
 * `<modelName> (Azure AI)`, in the order of the config. Requests that hit a rate limit or a
 * server error are retried, honouring `Retry-After`. Models on an Azure OpenAI resource or an
 * OpenAI-compatible endpoint get a probe that costs no tokens; those on the model inference
 * endpoint (`.../models`) have none.
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
  const models: AiAssistantModel[] = config.models.map(model => {
    const probe = createAzureAiProbe(model);
    return {
      id: `azureAi/${model.modelName}`,
      displayName: `${model.modelName} (Azure AI)`,
      chatModel: createAzureAiChatModel(model, fetch),
      ...(probe && { probe }),
    };
  });
  return {
    id: 'azureAi',
    async getModels() {
      return models;
    },
  };
}
