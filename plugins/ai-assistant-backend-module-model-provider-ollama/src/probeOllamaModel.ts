import {
  createProbeFetch,
  ModelNotFoundError,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * Creates the probe of one Ollama model: `GET <baseUrl>/api/tags`, which answers from disk without
 * loading a model, and a check that the model is among the pulled ones. Ollama reports a name
 * without a tag as `<name>:latest`, so `llama3.1` matches `llama3.1:latest`.
 */
export function createOllamaProbe(options: {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}): (signal?: AbortSignal) => Promise<void> {
  const { baseUrl, model, apiKey } = options;
  const url = `${baseUrl.replace(/\/+$/, '')}/api/tags`;
  const fetch = createProbeFetch({
    provider: 'Ollama',
    model,
    secrets: [apiKey],
    timeoutMs: options.timeoutMs,
  });
  return async signal => {
    const response = await fetch(url, {
      headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
      signal,
    });
    const pulled = readModelNames(await response.json().catch(() => null));
    const where = new URL(url);
    if (!pulled) {
      throw new ProviderError({
        provider: 'Ollama',
        model,
        url: `${where.origin}${where.pathname}`,
        cause:
          'the answer is not a list of models; check that baseUrl points at Ollama',
      });
    }
    if (!pulled.map(withTag).includes(withTag(model))) {
      throw new ModelNotFoundError({
        provider: 'Ollama',
        model,
        url: `${where.origin}${where.pathname}`,
        available: pulled,
        hint: `pull it with "ollama pull ${model}" or fix the model name in the config`,
      });
    }
  };
}

/** The names in an `/api/tags` answer, or undefined when it is not one. */
function readModelNames(body: unknown): string[] | undefined {
  const models = (body as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return undefined;
  return models
    .map(m => (m as { name?: unknown; model?: unknown })?.name ?? m?.model)
    .filter((name): name is string => typeof name === 'string');
}

function withTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}
