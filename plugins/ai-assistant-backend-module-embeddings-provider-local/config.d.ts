export interface Config {
  aiAssistant?: {
    embeddings?: {
      /**
       * Offline embeddings from word vectors shipped in an npm package: no server, no API
       * key, no download. Write `local: {}` to enable it (a bare `local:` is null in YAML
       * and counts as absent). Used when `aiAssistant.embeddings.provider` is unset or
       * `local`. It has no settings yet.
       */
      local?: {};
    };
  };
}
