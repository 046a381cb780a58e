export interface Config {
  aiAssistant?: {
    ingestors?: {
      /**
       * What the `techdocs` ingestor reads. Optional: without it, the built TechDocs of every
       * entity with a `backstage.io/techdocs-ref` annotation are ingested.
       */
      techdocs?: {
        /**
         * Only entities matching this catalog filter (on top of having TechDocs), as the catalog
         * client's `filter`: an object of field to value or list of values (any matches), e.g.
         * `{ kind: [Component, System] }`, or a list of such objects (any matches). Default: none.
         */
        filter?:
          | { [field: string]: string | string[] }
          | Array<{ [field: string]: string | string[] }>;
        /** Entities asked of the catalog per request, 1 to 10,000. Default: 500. */
        pageSize?: number;
      };
    };
  };
}
