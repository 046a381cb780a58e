import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureChatOpenAICompletions,
  ChatOpenAICompletions,
} from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AzureAiModelConfig } from './config';

/** What a failure names: the model and the URL it called, and the key it must hide. */
interface ErrorContext {
  modelName: string;
  url: string;
  apiKey: string;
}

/**
 * Turns a failed request into a {@link ProviderError}. A caller's abort stays as it is, so that
 * stopping an answer does not read as a provider failure.
 */
function toProviderError(
  error: unknown,
  context: ErrorContext,
  signal?: AbortSignal,
): unknown {
  if (signal?.aborted || (error as { name?: unknown })?.name === 'AbortError') {
    return error;
  }
  return ProviderError.fromClientError(error, {
    provider: 'Azure AI',
    model: context.modelName,
    url: context.url,
    secrets: [context.apiKey],
  });
}

/**
 * Adds provider errors to a LangChain OpenAI chat model class: both Azure flavours fail the
 * same way, so one subclass factory serves them.
 */
function withProviderErrors<
  T extends new (...args: any[]) => ChatOpenAICompletions,
>(Base: T) {
  return class extends Base {
    #context?: ErrorContext;

    withErrorContext(context: ErrorContext): this {
      this.#context = context;
      return this;
    }

    override async completionWithRetry(
      request: any,
      requestOptions?: any,
    ): Promise<any> {
      try {
        return await super.completionWithRetry(request, requestOptions);
      } catch (error) {
        throw this.#context
          ? toProviderError(error, this.#context, requestOptions?.signal)
          : error;
      }
    }
  };
}

const AzureOpenAiDeploymentChatModel = withProviderErrors(
  AzureChatOpenAICompletions,
);
const OpenAiCompatibleChatModel = withProviderErrors(ChatOpenAICompletions);

/**
 * Whether the endpoint accepts `stream_options` (token usage at the end of a stream): Azure
 * OpenAI from API version 2024-09-01 and the v1 API do; older versions and the Azure AI model
 * inference API reject the unknown parameter.
 */
function supportsStreamUsage({ target }: AzureAiModelConfig): boolean {
  if (target.kind === 'deployment') {
    return target.apiVersion >= '2024-09-01';
  }
  return target.apiVersion === undefined;
}

/**
 * The LangChain chat model for one configured model: `AzureChatOpenAICompletions` for an Azure
 * OpenAI deployment, `ChatOpenAICompletions` for an endpoint that takes the model in the body.
 * Both use the Chat Completions API, stream, and call tools.
 */
export function createAzureAiChatModel(
  model: AzureAiModelConfig,
  fetch: typeof globalThis.fetch,
): BaseChatModel {
  const { modelName, apiKey, target } = model;
  // Retries happen once, in the fetch, which honours Retry-After; LangChain's own retry loop on
  // top of it would multiply the attempts (the OpenAI SDK's is already off).
  const common = {
    model: modelName,
    maxRetries: 0,
    streamUsage: supportsStreamUsage(model),
  };

  if (target.kind === 'deployment') {
    return new AzureOpenAiDeploymentChatModel({
      ...common,
      azureOpenAIApiKey: apiKey,
      azureOpenAIApiVersion: target.apiVersion,
      // A base path keeps LangChain from falling back to AZURE_OPENAI_* environment variables.
      azureOpenAIBasePath: `${target.endpoint}/openai/deployments`,
      azureOpenAIApiDeploymentName: target.deployment,
      configuration: { fetch },
    }).withErrorContext({
      modelName,
      apiKey,
      url: `${target.endpoint}/openai/deployments/${encodeURIComponent(target.deployment)}/chat/completions`,
    });
  }
  return new OpenAiCompatibleChatModel({
    ...common,
    apiKey,
    configuration: {
      baseURL: target.baseURL,
      fetch,
      ...(target.apiVersion
        ? { defaultQuery: { 'api-version': target.apiVersion } }
        : {}),
    },
  }).withErrorContext({
    modelName,
    apiKey,
    url: `${target.baseURL}/chat/completions`,
  });
}
