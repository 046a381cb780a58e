export interface Config {
  aiAssistant?: {
    embeddings?: {
      /**
       * Embeddings from a model served by Ollama, through its `/api/embed` endpoint. Used when
       * `aiAssistant.embeddings.provider` is unset or `ollama`.
       */
      ollama?: {
        /**
         * Base URL of the Ollama server, including any path prefix of a proxy in front of it
         * (e.g. `https://openwebui.example.com/ollama`). Default: `http://localhost:11434`.
         */
        baseUrl?: string;
        /**
         * Embedding model as Ollama names it, e.g. `nomic-embed-text` or `mxbai-embed-large`.
         * It must be pulled on the server. Changing it re-embeds the knowledge base on the next
         * ingestion run.
         */
        model: string;
        /**
         * API key sent as `Authorization: Bearer <apiKey>`, for Ollama behind an authenticating
         * proxy or a hosted Ollama. Optional; a local Ollama needs none.
         * @visibility secret
         */
        apiKey?: string;
      };
    };
  };
}
