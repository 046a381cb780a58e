export interface Config {
  aiAssistant?: {
    ingestors?: {
      /**
       * What the `catalog` ingestor reads. Optional: without it, every entity but `Location`
       * entities is ingested.
       */
      catalog?: {
        /**
         * Only entities of these kinds, e.g. `[Component, API, System, Group]`. Default: every
         * kind but `Location`; list `Location` here to ingest locations too.
         */
        kinds?: string[];
        /**
         * Only entities matching this catalog filter, as the catalog client's `filter`: an
         * object of field to value or list of values (any matches), e.g.
         * `{ spec.lifecycle: [production, experimental] }`, or a list of such objects (any
         * matches). Combined with `kinds` unless an object names `kind` itself. Default: none.
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
