export interface Config {
  aiAssistant?: {
    models?: {
      /**
       * Chat models served by Ollama, through its `/api/chat` endpoint. Each listed model is
       * offered as `ollama/<model>`.
       */
      ollama?: {
        /**
         * Base URL of the Ollama server, including any path prefix of a proxy in front of it
         * (e.g. `https://openwebui.example.com/ollama`). Default: `http://localhost:11434`.
         */
        baseUrl?: string;
        /**
         * API key sent as `Authorization: Bearer <apiKey>`, for Ollama behind an authenticating
         * proxy or a hosted Ollama. Optional; a local Ollama needs none.
         * @visibility secret
         */
        apiKey?: string;
        /**
         * Chat models as Ollama names them, in order of preference, e.g. `[llama3.1, qwen2.5]`.
         * Each must be pulled on the server; use models that support tool calling so the
         * assistant can use its tools.
         */
        models: string[];
      };
    };
  };
}
