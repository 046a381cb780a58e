import { createHash } from 'node:crypto';
import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  type EntityFilterQuery,
} from '@backstage/catalog-client';
import {
  DEFAULT_NAMESPACE,
  type Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  DEFAULT_TECHDOCS_PAGE_SIZE,
  type TechDocsIngestorConfig,
} from './config';
import {
  type DocsSection,
  isSearchIndex,
  searchIndexSections,
} from './searchIndex';

const TECHDOCS_REF = 'backstage.io/techdocs-ref';
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Options of {@link TechDocsIngestor}.
 *
 * @public
 */
export interface TechDocsIngestorOptions {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  /** What to ingest; defaults to every entity with TechDocs, 500 per catalog request. */
  config?: Partial<TechDocsIngestorConfig>;
}

/** An entity's documentation path segments, cased as TechDocs stores them. */
interface DocsTriplet {
  namespace: string;
  kind: string;
  name: string;
}

/**
 * The `techdocs` ingestor: one document per section of the built TechDocs of every entity
 * with a `backstage.io/techdocs-ref` annotation, linked to that section in the TechDocs
 * reader. Reads each site's MkDocs search index from the TechDocs backend.
 *
 * @public
 */
export class TechDocsIngestor implements Ingestor {
  readonly id = 'techdocs';

  constructor(private readonly options: TechDocsIngestorOptions) {}

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    const { logger, discovery } = this.options;
    const { signal } = context;
    signal.throwIfAborted();
    const techdocsUrl = await discovery.getBaseUrl('techdocs');
    const stats = { entities: 0, withDocs: 0, notBuilt: 0, failed: 0 };
    const ids = new Set<string>();

    for await (const entity of this.entitiesWithDocs(signal)) {
      stats.entities += 1;
      const entityRef = stringifyEntityRef(entity);
      let sections: DocsSection[] | undefined;
      try {
        sections = await this.readSections(techdocsUrl, entity, signal);
      } catch (error) {
        signal.throwIfAborted();
        stats.failed += 1;
        logger.warn(
          `Could not read the TechDocs of ${entityRef}: ${String(error)}`,
        );
        continue;
      }
      if (!sections) {
        stats.notBuilt += 1;
        logger.debug(`Skipping ${entityRef}: its TechDocs are not built`);
        continue;
      }
      stats.withDocs += 1;
      for (const section of sections) {
        const document = this.toDocument(entity, entityRef, section);
        if (ids.has(document.id)) {
          continue;
        }
        ids.add(document.id);
        if ((await context.getKnownVersion(document.id)) === document.version) {
          context.keep(document.id);
          continue;
        }
        signal.throwIfAborted();
        yield document;
      }
    }

    const summary = `TechDocs ingestor read ${stats.withDocs} of ${stats.entities} entities with TechDocs (${stats.notBuilt} not built, ${stats.failed} failed), ${ids.size} sections`;
    // Every read failing means TechDocs itself is unreachable: fail the run so that nothing
    // is pruned, rather than dropping all documentation from the assistant.
    if (stats.failed > 0 && stats.withDocs === 0 && stats.notBuilt === 0) {
      throw new Error(`${summary}; is the TechDocs backend running?`);
    }
    (stats.failed > 0 ? logger.warn : logger.info).call(logger, summary);
  }

  /** Pages through the catalog; a failure here throws, failing the run. */
  private async *entitiesWithDocs(signal: AbortSignal): AsyncIterable<Entity> {
    const { catalog, auth, config = {} } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const limit = config.pageSize ?? DEFAULT_TECHDOCS_PAGE_SIZE;
    const fields = ['kind', 'metadata'];
    let cursor: string | undefined;
    do {
      signal.throwIfAborted();
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit, fields }
          : {
              filter: withTechDocs(config.filter),
              limit,
              fields,
              totalItems: 'exclude',
            },
        { credentials },
      );
      for (const entity of page.items) {
        // The filter already asks for it; a catalog that ignores filters must not cost a request.
        if (entity.metadata.annotations?.[TECHDOCS_REF]) {
          yield entity;
        }
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }

  /** The sections of an entity's docs, or undefined when they are not built (404). */
  private async readSections(
    techdocsUrl: string,
    entity: Entity,
    signal: AbortSignal,
  ): Promise<DocsSection[] | undefined> {
    const { auth } = this.options;
    const { namespace, kind, name } = this.triplet(entity);
    const url = `${techdocsUrl}/static/docs/${namespace}/${kind}/${name}/search/search_index.json`;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'techdocs',
    });
    const response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.any([
        signal,
        AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ]),
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(
        `GET ${url} answered HTTP ${response.status} ${response.statusText}`,
      );
    }
    const body = await response.json();
    if (!isSearchIndex(body)) {
      throw new Error(`GET ${url} did not return an MkDocs search index`);
    }
    return searchIndexSections(body.docs);
  }

  private toDocument(
    entity: Entity,
    entityRef: string,
    section: DocsSection,
  ): IngestionDocument {
    const { namespace, kind, name } = this.triplet(entity);
    const site = entity.metadata.title ?? entity.metadata.name;
    const page =
      section.pageTitle && section.pageTitle !== site
        ? `${site}: ${section.pageTitle}`
        : site;
    const title =
      section.title && section.title !== section.pageTitle
        ? `${page} › ${section.title}`
        : page;
    const url = `/docs/${namespace}/${kind}/${name}/${section.location}`;
    const content = `${title}\n\n${section.text}`;
    return {
      id: `${entityRef}/${section.location}`,
      title,
      url,
      content,
      markdown: false,
      entityRef,
      version: createHash('sha256')
        .update(JSON.stringify([title, url, content]))
        .digest('hex')
        .slice(0, 32),
      metadata: { location: section.location, page: section.pageTitle },
    };
  }

  /** Lower case unless `techdocs.legacyUseCaseSensitiveTripletPaths`, as TechDocs stores it. */
  private triplet(entity: Entity): DocsTriplet {
    const legacy = this.options.config?.legacyUseCaseSensitiveTripletPaths;
    const segment = (value: string) =>
      encodeURIComponent(legacy ? value : value.toLocaleLowerCase('en-US'));
    return {
      namespace: segment(entity.metadata.namespace ?? DEFAULT_NAMESPACE),
      kind: segment(entity.kind),
      name: segment(entity.metadata.name),
    };
  }
}

/** The configured filter, each alternative narrowed to entities with TechDocs. */
function withTechDocs(filter?: EntityFilterQuery): EntityFilterQuery {
  const annotation = `metadata.annotations.${TECHDOCS_REF}`;
  if (!filter) {
    return { [annotation]: CATALOG_FILTER_EXISTS };
  }
  const narrow = (
    f: Record<string, string | symbol | (string | symbol)[]>,
  ) => ({
    ...f,
    [annotation]: CATALOG_FILTER_EXISTS,
  });
  return Array.isArray(filter) ? filter.map(narrow) : narrow(filter);
}
