import { createProbeFetch } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { type AzureAiModelConfig, DEFAULT_API_VERSION } from './config';

/**
 * The token-free probe of one configured model, or undefined for a kind of endpoint that has
 * none we can rely on.
 *
 * - `deployment` (Azure OpenAI): `GET <endpoint>/openai/models?api-version=2024-10-21`, the
 *   documented Models - List of the GA API, with the `api-key` header. It proves the endpoint
 *   answers and takes the key; it cannot prove the deployment exists, since Azure retired the
 *   data-plane deployments API (that needs the management API and other credentials). The
 *   version is fixed because a configured preview version need not serve this route.
 * - `openAiCompatible` (e.g. Azure OpenAI's `/openai/v1`): `GET <baseURL>/models` with the key as
 *   a bearer token. The list names base models, not Azure deployments, so the model name is not
 *   looked up in it either.
 * - the Azure AI model inference endpoint (`.../models`) has no such route: its `GET /info` only
 *   works on serverless and managed compute endpoints. No probe.
 */
export function createAzureAiProbe(
  model: AzureAiModelConfig,
  timeoutMs?: number,
): ((signal?: AbortSignal) => Promise<void>) | undefined {
  const { modelName, apiKey, target } = model;
  let url: string;
  let headers: Record<string, string>;
  if (target.kind === 'deployment') {
    url = `${target.endpoint}/openai/models?api-version=${DEFAULT_API_VERSION}`;
    headers = { 'api-key': apiKey };
  } else if (/\/models$/.test(target.baseURL)) {
    return undefined;
  } else {
    url = `${target.baseURL}/models${target.apiVersion ? `?api-version=${encodeURIComponent(target.apiVersion)}` : ''}`;
    headers = { Authorization: `Bearer ${apiKey}` };
  }
  const fetch = createProbeFetch({
    provider: 'Azure AI',
    model: modelName,
    secrets: [apiKey],
    unreachableHint: 'check the endpoint in the config',
    timeoutMs,
  });
  return async signal => {
    const response = await fetch(url, { headers, signal });
    await response.body?.cancel().catch(() => {});
  };
}
