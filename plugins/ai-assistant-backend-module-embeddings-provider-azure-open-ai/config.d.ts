import type { HumanDuration } from '@backstage/types';

export interface Config {
  aiAssistant?: {
    embeddings?: {
      /**
       * Embeddings from an Azure OpenAI deployment, e.g. of `text-embedding-3-large`. Used when
       * `aiAssistant.embeddings.provider` is unset or `azureOpenAi`. Requests go to
       * `<endpoint>/openai/deployments/<deploymentName>/embeddings?api-version=<openAIApiVersion>`
       * with the key in the `api-key` header.
       */
      azureOpenAi?: {
        /**
         * Name of the embeddings deployment in the Azure OpenAI resource; also stored as the
         * model name of every vector, so changing it re-embeds the knowledge base.
         * Default: `text-embedding-3-large`.
         */
        deploymentName?: string;
        /**
         * Name of the Azure OpenAI resource, the `<resource>` of
         * `https://<resource>.openai.azure.com`. Used only when `endpoint` is not set.
         */
        instanceName?: string;
        /**
         * API key of the Azure OpenAI resource.
         * @visibility secret
         */
        apiKey: string;
        /**
         * Endpoint of the Azure OpenAI resource, e.g. `https://my-resource.openai.azure.com`.
         * Wins over `instanceName`. A pasted target URI that already contains
         * `/openai/deployments/<name>` is cut back to the resource. Required unless
         * `instanceName` is set.
         */
        endpoint?: string;
        /** Azure OpenAI data-plane API version. Default: `2024-10-21`. */
        openAIApiVersion?: string;
        /**
         * Texts sent in one request; larger calls are split. Azure OpenAI accepts at most 2048.
         * Default: 512.
         */
        batchSize?: number;
        /**
         * Length of the vectors to ask for; only `text-embedding-3` models and later can
         * shorten them. Default: the model's own (3072 for `text-embedding-3-large`).
         */
        dimensions?: number;
        /**
         * Retries of a request that got a rate limit (429) or server error (5xx), waiting as
         * long as `Retry-After` asks, else with exponential backoff. Default: 3.
         */
        maxRetries?: number;
        /** How long to wait for Azure to start answering a request. Default: 60 seconds. */
        timeout?: HumanDuration | string;
      };
    };
  };
}
