export interface Config {
  /** Configuration of the AI Assistant for Backstage. */
  aiAssistant?: {
    /** The chat API and page. */
    chat?: {
      /**
       * Hosts that links in answers may point to besides the hosts of the answer's own sources,
       * e.g. `kubernetes.io`, or `*.example.com` for every subdomain of `example.com` (not
       * `example.com` itself). A link to any other host shows as text naming its origin, since
       * the model chooses both its text and its URL and could put conversation data into it.
       * Default: none.
       * @visibility frontend
       */
      linkAllowList?: string[];
    };
  };
}
