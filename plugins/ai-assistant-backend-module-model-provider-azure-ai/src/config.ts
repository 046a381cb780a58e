import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** The Azure OpenAI data-plane API version used when the config names none: the latest GA. */
export const DEFAULT_API_VERSION = '2024-10-21';

/** The API version of the Azure AI model inference endpoint (`.../models`). */
export const DEFAULT_INFERENCE_API_VERSION = '2024-05-01-preview';

/**
 * Where one configured model is served, as found from its `endpoint`.
 *
 * - `deployment`: an Azure OpenAI deployment, called at
 *   `<endpoint>/openai/deployments/<deployment>/chat/completions?api-version=...` with the key in
 *   the `api-key` header.
 * - `openAiCompatible`: an endpoint that takes the model name in the body, such as Azure OpenAI's
 *   `/openai/v1` or Azure AI's model inference `/models`, called at `<baseURL>/chat/completions`
 *   with the key as a bearer token.
 *
 * @public
 */
export type AzureAiModelTarget =
  | {
      kind: 'deployment';
      endpoint: string;
      deployment: string;
      apiVersion: string;
    }
  | { kind: 'openAiCompatible'; baseURL: string; apiVersion?: string };

/**
 * One entry of `aiAssistant.models.azureAi.models`, with defaults applied.
 *
 * @public
 */
export interface AzureAiModelConfig {
  modelName: string;
  apiKey: string;
  target: AzureAiModelTarget;
}

/**
 * The settings of `aiAssistant.models.azureAi`, with defaults applied.
 *
 * @public
 */
export interface AzureAiModelsConfig {
  models: AzureAiModelConfig[];
  maxRetries: number;
  timeoutMs: number;
}

/**
 * Reads `aiAssistant.models.azureAi`: a shared `apiKey` and a list of `{ endpoint, modelName }`,
 * each of which may override `apiKey` and `openAIApiVersion`.
 *
 * @public
 */
export function readAzureAiModelsConfig(root: Config): AzureAiModelsConfig {
  const config = root.getConfig('aiAssistant.models.azureAi');
  const sharedKey = config.getOptionalString('apiKey');
  const sharedVersion = config.getOptionalString('openAIApiVersion');
  const entries = config.getConfigArray('models');
  if (entries.length === 0) {
    throw new Error(
      "Missing required config value at 'aiAssistant.models.azureAi.models': list at least one model",
    );
  }

  const seen = new Set<string>();
  const models = entries.map((entry, index) => {
    const at = `aiAssistant.models.azureAi.models[${index}]`;
    const modelName = entry.getString('modelName');
    if (seen.has(modelName)) {
      throw new Error(
        `Invalid config value at '${at}.modelName': '${modelName}' is listed twice`,
      );
    }
    seen.add(modelName);
    const apiKey = entry.getOptionalString('apiKey') ?? sharedKey;
    if (!apiKey) {
      throw new Error(
        `Missing required config value at 'aiAssistant.models.azureAi.apiKey' (or '${at}.apiKey')`,
      );
    }
    const target = parseEndpoint(entry.getString('endpoint'), {
      at,
      modelName,
      apiVersion: entry.getOptionalString('openAIApiVersion'),
      sharedVersion,
    });
    return { modelName, apiKey, target };
  });

  return {
    models,
    maxRetries: config.getOptionalNumber('maxRetries') ?? 3,
    timeoutMs: config.has('timeout')
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: 'timeout' }),
        )
      : 120_000,
  };
}

/**
 * Finds how to call a model from its endpoint: the resource root or a URL with
 * `/openai/deployments/<name>` (even a pasted target URI ending in `/chat/completions?api-version=`)
 * means an Azure OpenAI deployment; any other path is an endpoint taking the model in the body.
 */
function parseEndpoint(
  value: string,
  options: {
    at: string;
    modelName: string;
    apiVersion?: string;
    sharedVersion?: string;
  },
): AzureAiModelTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid config value at '${options.at}.endpoint': '${value}' is not a URL like https://<resource>.openai.azure.com`,
    );
  }
  const pastedVersion = url.searchParams.get('api-version') ?? undefined;
  const path = url.pathname
    .replace(/\/+$/, '')
    .replace(/\/chat\/completions$/, '');

  const deployment = path.match(/^(.*?)\/openai\/deployments\/([^/]+)$/);
  if (deployment || path === '' || path === '/openai') {
    return {
      kind: 'deployment',
      endpoint: `${url.origin}${deployment ? deployment[1] : ''}`,
      deployment: deployment
        ? decodeURIComponent(deployment[2])
        : options.modelName,
      apiVersion:
        options.apiVersion ??
        pastedVersion ??
        options.sharedVersion ??
        DEFAULT_API_VERSION,
    };
  }
  return {
    kind: 'openAiCompatible',
    baseURL: `${url.origin}${path}`,
    apiVersion:
      options.apiVersion ??
      pastedVersion ??
      (path.endsWith('/models') ? DEFAULT_INFERENCE_API_VERSION : undefined),
  };
}
