import type { HumanDuration } from '@backstage/types';

export interface Config {
  aiAssistant?: {
    models?: {
      /**
       * Chat models on Azure OpenAI or Azure AI; each entry of `models` is one model users can
       * pick. The module adds its provider only when this block exists.
       */
      azureAi?: {
        /**
         * API key of the Azure resource, used by every model that does not set its own.
         * @visibility secret
         */
        apiKey?: string;
        /**
         * Azure OpenAI data-plane API version for deployments whose model sets none.
         * Default: `2024-10-21`.
         */
        openAIApiVersion?: string;
        /**
         * Retries of a request that got a rate limit (429) or server error (5xx), waiting as
         * long as `Retry-After` asks, else with exponential backoff. Default: 3.
         */
        maxRetries?: number;
        /** How long to wait for a model to start answering. Default: 120 seconds. */
        timeout?: HumanDuration | string;
        /** The models, in order of preference: the first is the default. */
        models: Array<{
          /**
           * Where the model is served. `https://<resource>.openai.azure.com` (or any resource
           * root) calls the Azure OpenAI deployment named `modelName`; a URL containing
           * `/openai/deployments/<name>` calls that deployment; any other URL, such as
           * `https://<resource>.openai.azure.com/openai/v1` or Azure AI's
           * `https://<resource>.services.ai.azure.com/models`, takes `modelName` in the body.
           */
          endpoint: string;
          /**
           * Name of the model or deployment. Shown as `<modelName> (Azure AI)`; the model's id
           * is `azureAi/<modelName>`. Must be unique in the list.
           */
          modelName: string;
          /**
           * API key for this model's resource, when it differs from the shared `apiKey`.
           * @visibility secret
           */
          apiKey?: string;
          /**
           * API version for this model. Default: the shared `openAIApiVersion` for deployments,
           * `2024-05-01-preview` for a `/models` endpoint, none for `/openai/v1`.
           */
          openAIApiVersion?: string;
        }>;
      };
    };
  };
}
