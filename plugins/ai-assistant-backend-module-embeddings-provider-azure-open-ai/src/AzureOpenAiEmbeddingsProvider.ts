import {
  createRetryingFetch,
  EmbeddingsProvider,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { AzureOpenAIEmbeddings } from '@langchain/openai';
import type { AzureOpenAiEmbeddingsConfig } from './config';

/**
 * LangChain's Azure OpenAI embeddings client whose failures are {@link ProviderError}s that
 * name the provider, deployment and endpoint, and never the key.
 */
class ErrorNamingAzureOpenAIEmbeddings extends AzureOpenAIEmbeddings {
  readonly #config: AzureOpenAiEmbeddingsConfig;

  constructor(
    config: AzureOpenAiEmbeddingsConfig,
    fetch: typeof globalThis.fetch,
  ) {
    super({
      azureOpenAIApiKey: config.apiKey,
      azureOpenAIApiVersion: config.openAIApiVersion,
      // A base path is the one setting LangChain's embeddings honour for any host; it also
      // keeps LangChain from falling back to AZURE_OPENAI_* environment variables.
      azureOpenAIBasePath: `${config.endpoint}/openai/deployments`,
      azureOpenAIApiDeploymentName: config.deploymentName,
      model: config.deploymentName,
      batchSize: config.batchSize,
      dimensions: config.dimensions,
      // Retries happen once, in the fetch below, which honours Retry-After; LangChain's own
      // retry loop on top of it would multiply the attempts.
      maxRetries: 0,
      configuration: { fetch },
    });
    this.#config = config;
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    try {
      return await super.embedDocuments(texts);
    } catch (error) {
      throw this.#toProviderError(error);
    }
  }

  override async embedQuery(text: string): Promise<number[]> {
    try {
      return await super.embedQuery(text);
    } catch (error) {
      throw this.#toProviderError(error);
    }
  }

  #toProviderError(error: unknown): ProviderError {
    const { endpoint, deploymentName, apiKey } = this.#config;
    return ProviderError.fromClientError(error, {
      provider: 'Azure OpenAI',
      model: deploymentName,
      url: `${endpoint}/openai/deployments/${encodeURIComponent(deploymentName)}/embeddings`,
      secrets: [apiKey],
    });
  }
}

/**
 * Creates the `azureOpenAi` embeddings provider: LangChain's `AzureOpenAIEmbeddings` pointed at
 * `<endpoint>/openai/deployments/<deploymentName>/embeddings?api-version=<openAIApiVersion>`,
 * sending at most `batchSize` inputs per request, retrying rate limits and server errors.
 *
 * @public
 */
export function createAzureOpenAiEmbeddingsProvider(
  config: AzureOpenAiEmbeddingsConfig,
): EmbeddingsProvider {
  const fetch = createRetryingFetch({
    maxRetries: config.maxRetries,
    timeoutMs: config.timeoutMs,
  });
  return {
    id: 'azureOpenAi',
    model: config.deploymentName,
    embeddings: new ErrorNamingAzureOpenAIEmbeddings(config, fetch),
    ...(config.dimensions ? { dimensions: config.dimensions } : {}),
  };
}
