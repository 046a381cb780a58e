import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** Azure OpenAI's limit on the number of inputs of one embeddings request. */
export const MAX_BATCH_SIZE = 2048;

/** The Azure OpenAI data-plane API version used when the config names none: the latest GA. */
export const DEFAULT_API_VERSION = '2024-10-21';

/**
 * The settings of `aiAssistant.embeddings.azureOpenAi`, with defaults applied.
 *
 * @public
 */
export interface AzureOpenAiEmbeddingsConfig {
  deploymentName: string;
  /** Resource endpoint without a trailing slash, e.g. `https://my-resource.openai.azure.com`. */
  endpoint: string;
  apiKey: string;
  openAIApiVersion: string;
  batchSize: number;
  dimensions?: number;
  maxRetries: number;
  timeoutMs: number;
}

/**
 * Reads `aiAssistant.embeddings.azureOpenAi`. `endpoint` wins over `instanceName` when both are
 * given; an endpoint that already contains `/openai/deployments/<name>` is cut back to the
 * resource, and its deployment is used when `deploymentName` is not set.
 *
 * @public
 */
export function readAzureOpenAiEmbeddingsConfig(
  root: Config,
): AzureOpenAiEmbeddingsConfig {
  const config = root.getConfig('aiAssistant.embeddings.azureOpenAi');
  const instanceName = config.getOptionalString('instanceName');
  const rawEndpoint = config.getOptionalString('endpoint');
  if (!rawEndpoint && !instanceName) {
    throw new Error(
      "Missing required config value at 'aiAssistant.embeddings.azureOpenAi.endpoint': set endpoint (https://<resource>.openai.azure.com) or instanceName (<resource>)",
    );
  }
  const { endpoint, deployment } = parseEndpoint(
    rawEndpoint ?? `https://${instanceName}.openai.azure.com`,
  );

  const batchSize = config.getOptionalNumber('batchSize') ?? 512;
  if (
    !Number.isInteger(batchSize) ||
    batchSize < 1 ||
    batchSize > MAX_BATCH_SIZE
  ) {
    throw new Error(
      `Invalid config value at 'aiAssistant.embeddings.azureOpenAi.batchSize': ${batchSize}; Azure OpenAI takes 1 to ${MAX_BATCH_SIZE} inputs per request`,
    );
  }
  const dimensions = config.getOptionalNumber('dimensions');
  if (
    dimensions !== undefined &&
    (!Number.isInteger(dimensions) || dimensions < 1)
  ) {
    throw new Error(
      `Invalid config value at 'aiAssistant.embeddings.azureOpenAi.dimensions': ${dimensions}; expected a positive whole number`,
    );
  }

  return {
    deploymentName:
      config.getOptionalString('deploymentName') ??
      deployment ??
      'text-embedding-3-large',
    endpoint,
    apiKey: config.getString('apiKey'),
    openAIApiVersion:
      config.getOptionalString('openAIApiVersion') ?? DEFAULT_API_VERSION,
    batchSize,
    dimensions,
    maxRetries: config.getOptionalNumber('maxRetries') ?? 3,
    timeoutMs: config.has('timeout')
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: 'timeout' }),
        )
      : 60_000,
  };
}

/** Splits a pasted endpoint into the resource URL and the deployment it may name. */
function parseEndpoint(value: string): {
  endpoint: string;
  deployment?: string;
} {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid config value at 'aiAssistant.embeddings.azureOpenAi.endpoint': '${value}' is not a URL like https://<resource>.openai.azure.com`,
    );
  }
  const match = url.pathname.match(/^(.*?)\/openai\/deployments\/([^/]+)/);
  const path = match ? match[1] : url.pathname;
  return {
    endpoint: `${url.origin}${path}`.replace(/\/+$/, ''),
    deployment: match ? decodeURIComponent(match[2]) : undefined,
  };
}
