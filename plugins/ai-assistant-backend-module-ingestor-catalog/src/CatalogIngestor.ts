import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  type CatalogIngestorConfig,
  catalogRequestFilter,
  DEFAULT_CATALOG_PAGE_SIZE,
  DEFAULT_EXCLUDED_KINDS,
} from './config';
import { entityToDocument } from './entityDocument';

/**
 * Options of {@link CatalogIngestor}.
 *
 * @public
 */
export interface CatalogIngestorOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** What to ingest; defaults to every entity but locations, 500 per request. */
  config?: Partial<CatalogIngestorConfig>;
}

/**
 * The `catalog` ingestor: one markdown document per catalog entity, linked to its entity
 * page. Pages through the catalog with cursors, as the backend's own service, so catalogs of
 * any size work.
 *
 * @public
 */
export class CatalogIngestor implements Ingestor {
  readonly id = 'catalog';

  constructor(private readonly options: CatalogIngestorOptions) {}

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    const { catalog, auth, logger, config = {} } = this.options;
    const limit = config.pageSize ?? DEFAULT_CATALOG_PAGE_SIZE;
    const filter = catalogRequestFilter(config);
    const excluded = config.kinds ? [] : DEFAULT_EXCLUDED_KINDS;
    const seen = new Set<string>();
    let pages = 0;
    let kept = 0;
    let cursor: string | undefined;

    context.signal.throwIfAborted();
    const credentials = await auth.getOwnServiceCredentials();
    do {
      context.signal.throwIfAborted();
      const page = await catalog.queryEntities(
        cursor ? { cursor, limit } : { filter, limit, totalItems: 'exclude' },
        { credentials },
      );
      pages += 1;
      for (const entity of page.items) {
        if (excluded.includes(entity.kind.toLocaleLowerCase('en-US'))) {
          continue;
        }
        const document = entityToDocument(entity);
        // An entity may move between pages while the catalog changes under us.
        if (seen.has(document.id)) {
          continue;
        }
        seen.add(document.id);
        if ((await context.getKnownVersion(document.id)) === document.version) {
          context.keep(document.id);
          kept += 1;
          continue;
        }
        context.signal.throwIfAborted();
        yield document;
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);

    logger.info(
      `Catalog ingestor read ${seen.size} entities in ${pages} pages (${kept} unchanged)`,
    );
  }
}
