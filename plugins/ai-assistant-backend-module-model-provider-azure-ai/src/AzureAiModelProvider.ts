import type { Config } from '@backstage/config';
import {
  type AiAssistantModel,
  createRetryingFetch,
  type ModelProvider,
  type ProviderDeps,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { type AzureAiModelsConfig, readAzureAiModelsConfig } from './config';
import { createAzureAiChatModel } from './chatModels';
import { createAzureAiProbe } from './probe';

/**
 * The `azureAi` model provider: one model per entry of `aiAssistant.models.azureAi.models`,
 * with id `azureAi/<modelName>` and display name `<modelName> (Azure AI)`, in the order of the
 * config. Requests that hit a rate limit or a server error are retried, honouring
 * `Retry-After`. Models on an Azure OpenAI resource or an OpenAI-compatible endpoint get a
 * probe that costs no tokens; those on the model inference endpoint (`.../models`) have none.
 *
 * @public
 */
export class AzureAiModelProvider implements ModelProvider {
  readonly id = 'azureAi';
  readonly #models: AiAssistantModel[];

  /** Creates the provider from `aiAssistant.models.azureAi` and logs where each model is. */
  static fromConfig(config: Config, deps: ProviderDeps): AzureAiModelProvider {
    const settings = readAzureAiModelsConfig(config);
    for (const { modelName, target } of settings.models) {
      deps.logger.info(
        target.kind === 'deployment'
          ? `Azure AI model ${modelName}: deployment ${target.deployment} at ${target.endpoint}, API version ${target.apiVersion}`
          : `Azure AI model ${modelName}: at ${target.baseURL}${target.apiVersion ? `, API version ${target.apiVersion}` : ''}`,
      );
    }
    return new AzureAiModelProvider(settings);
  }

  constructor(config: AzureAiModelsConfig) {
    const fetch = createRetryingFetch({
      maxRetries: config.maxRetries,
      timeoutMs: config.timeoutMs,
    });
    this.#models = config.models.map(model => {
      const probe = createAzureAiProbe(model);
      return {
        id: `azureAi/${model.modelName}`,
        displayName: `${model.modelName} (Azure AI)`,
        chatModel: createAzureAiChatModel(model, fetch),
        ...(probe && { probe }),
      };
    });
  }

  async getModels(): Promise<AiAssistantModel[]> {
    return this.#models;
  }
}
