import type { JsonObject } from '@backstage/types';

/**
 * One readable document produced by an ingestor. The core chunks, embeds and stores it.
 *
 * Every document states who may read it: either an entity guard (`entityRef` and/or
 * `entityRefs`: only users the permission policy allows to read the entity, or all of the
 * entities, get it) or `public: true` (every chat user gets it). A document that states
 * neither, or both, is refused by the core and listed with the run's document errors, so an
 * ingestor cannot make text readable to everybody by forgetting a field.
 *
 * @public
 */
export interface IngestionDocument {
  /** Id of the document within its ingestor; stable across runs. */
  id: string;
  /** Human readable title, shown with citations. */
  title: string;
  /** Where a person can read the document. */
  url: string;
  /** The text to make searchable. Markdown is split along its headings. */
  content: string;
  /** Set when the content is markdown, so chunks follow its structure. Defaults to false. */
  markdown?: boolean;
  /**
   * Whether `url` shows this markdown with an anchor on each heading (as GitHub, Azure DevOps
   * and most documentation sites render it), so that a citation can link to `url#anchor` of
   * the chunk's section. Defaults to true for markdown; set it to false when `url` shows
   * something else, such as an entity page for markdown the ingestor composed itself.
   */
  sectionAnchors?: boolean;
  /**
   * The catalog entity the document belongs to. Retrieval only uses the document for users
   * who may read that entity. Required unless `entityRefs` or `public` is set.
   */
  entityRef?: string;
  /**
   * Every catalog entity that guards the document, when more than one does (e.g. several
   * entities of one repository): retrieval uses the document only for users who may read
   * every one of them. `entityRef`, when set, is added to them; when unset, the first of them
   * is the document's entity.
   */
  entityRefs?: string[];
  /**
   * Set to `true` for a document every chat user may read, such as a public repository's
   * README or catalog-wide reference text. Only for documents without an entity guard; an
   * ingestor that can tie a document to an entity should do so instead.
   */
  public?: boolean;
  /** When the document last changed at its source. */
  updatedAt?: Date;
  /**
   * An opaque version of the document at its source, such as a git blob sha. An ingestor can
   * compare it with {@link IngestorContext.getKnownVersion} to skip downloading unchanged
   * documents.
   */
  version?: string;
  /** Anything else worth keeping with the document; stored with each chunk. */
  metadata?: JsonObject;
}

/**
 * What the core hands an ingestor for one run.
 *
 * @public
 */
export interface IngestorContext {
  /** Aborted when the run times out or the backend shuts down. */
  signal: AbortSignal;
  /**
   * The `version` stored for a document at its last ingestion, if any, for incremental
   * ingestors.
   */
  getKnownVersion(documentId: string): Promise<string | undefined>;
  /**
   * Declares that a document still exists unchanged since its known version, without
   * yielding its content again, so that the end of the run does not prune it.
   */
  keep(documentId: string): void;
  /**
   * Reports a document the source has but that could not be read or turned into a document,
   * e.g. a file name that does not decode. The run goes on: the document is skipped (a copy
   * stored by an earlier run is pruned at the end, as for any document not yielded) and the
   * error is listed with the run for admins. Errors that concern the source as a whole (an
   * outage, a revoked token) should be thrown instead, so that the run fails and prunes
   * nothing.
   */
  reportError(documentId: string, message: string): void;
}

/**
 * A source of knowledge, e.g. the catalog or the repositories of a GitHub organisation.
 *
 * Each run yields every document the source currently has (or keeps it, see
 * {@link IngestorContext.keep}). After a run that completes, the core prunes documents the
 * ingestor no longer yielded; a run that throws prunes nothing. One bad document must not
 * stop a run: report it with {@link IngestorContext.reportError}. The core does the same with
 * documents it refuses or cannot store.
 *
 * @public
 */
export interface Ingestor {
  /** Short id, unique per backend, stored as the `source` of every chunk, e.g. `github`. */
  id: string;
  /** Yields the documents of one run. */
  ingest(context: IngestorContext): AsyncIterable<IngestionDocument>;
}
