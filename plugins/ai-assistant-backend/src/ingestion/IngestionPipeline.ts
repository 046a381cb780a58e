import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type {
  KnowledgeStore,
  StoredChunk,
  Vector,
} from '../database/KnowledgeStore';
import {
  type DocumentError,
  emptyCounts,
  IngestionRun,
  IngestionRunCounts,
  IngestionRunStore,
  MAX_DOCUMENT_ERRORS,
} from '../database/IngestionRunStore';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';
import {
  type AiAssistantMetrics,
  noopMetrics,
} from '../metrics/AiAssistantMetrics';
import {
  Chunk,
  Chunker,
  ChunkingOptions,
  embeddingText,
  hashDocument,
  sha256,
} from './chunking';
import { BulkLoad } from './BulkLoad';
import { RunProgress } from './RunProgress';
import { writeBatch, WritesInFlight } from './writeBatch';
import { normalizeGuards, validateDocument } from './validateDocument';

/** The vector of a chunk not embedded yet. */
const NOT_EMBEDDED: number[] = [];

/** A changed document waiting for its chunks to be embedded. */
interface PendingDocument {
  document: IngestionDocument;
  contentHash: string;
  chunks: Chunk[];
}

/** Everything one run of one ingestor works with. */
interface RunState {
  source: string;
  counts: IngestionRunCounts;
  pending: PendingDocument[];
  pendingChunks: number;
  /** Re-embed every document: nothing counts as unchanged, no stored vector is reused. */
  reembed: boolean;
  progress: RunProgress;
  /** Skips a document because of an error of its own; the run goes on. */
  fail(documentId: string, message: string): void;
  /** Defers the vector index while the run writes the whole source anew. */
  bulk?: BulkLoad;
  /** The writes of the last flushes, still in flight. */
  writes: WritesInFlight;
}

/**
 * Runs one ingestor: documents → chunks → hash → embed only what changed, in batches →
 * upsert per document → after a complete run, prune what the ingestor no longer yields.
 */
export class IngestionPipeline {
  constructor(
    private readonly options: {
      store: KnowledgeStore;
      runs: IngestionRunStore;
      embeddings: EmbeddingsService;
      chunker: Chunker;
      /** What shapes the stored chunks: their sizes and the keyword index's language. */
      chunking: ChunkingOptions & { textSearchConfig?: string };
      /** Chunks per embeddings call. */
      batchSize: number;
      logger: LoggerService;
      metrics?: AiAssistantMetrics;
    },
  ) {}

  /**
   * Runs an ingestor to the end and records the run. Never throws: failures are recorded.
   * With `reembed`, every document is embedded again, changed or not (after a model
   * upgrade, or when an admin distrusts what is stored).
   */
  async run(
    ingestor: Ingestor,
    signal: AbortSignal,
    options: { reembed?: boolean } = {},
  ): Promise<IngestionRun> {
    const { store, runs, embeddings, logger } = this.options;
    const startedAt = new Date();
    const reembed = options.reembed ?? false;
    const runId = await runs.start(ingestor.id, { reembed });
    const counts = emptyCounts();
    const failures: DocumentError[] = [];
    const record = (state: 'succeeded' | 'failed') => {
      const durationMs = Date.now() - startedAt.getTime();
      (this.options.metrics ?? noopMetrics).ingestionRun({
        ingestor: ingestor.id,
        state,
        durationSeconds: durationMs / 1000,
        documents: counts.documents,
        chunksEmbedded: counts.chunksEmbedded,
        chunksSkipped: counts.chunksSkipped,
        chunksPruned: counts.chunksPruned,
        errors: counts.documentsFailed + (state === 'failed' ? 1 : 0),
      });
      return durationMs;
    };
    const log = logger.child({ ingestor: ingestor.id, runId });
    log.info(`Ingestion of ${ingestor.id} started`, { reembed });
    // One bad document must not fail the run: a failing run prunes nothing, so one poisoned
    // file would keep everything the source has since withdrawn (e.g. a repository made
    // private) searchable forever. A skipped document is not `seen`, so its old copy goes.
    const seen = new Set<string>();
    const fail = (documentId: string, message: string) => {
      counts.documentsFailed += 1;
      if (failures.length < MAX_DOCUMENT_ERRORS) {
        failures.push({ documentId, error: message });
      }
      log.warn(`Skipped document ${documentId} of ${ingestor.id}: ${message}`);
    };
    // For a document already counted as seen: it is not stored after all.
    const unsee = (documentId: string, message: string) => {
      if (seen.delete(documentId)) counts.documents -= 1;
      fail(documentId, message);
    };
    let bulk: BulkLoad | undefined;
    // Chunks are embedded, then written, in flushes of at least this many.
    const flushChunks = this.options.batchSize * embeddings.maxConcurrency;
    const writes = new WritesInFlight(flushChunks);
    try {
      const { key: modelKey } = await store.currentModel();
      await store.prepareModel();
      const state: RunState = {
        source: ingestor.id,
        counts,
        pending: [],
        pendingChunks: 0,
        reembed,
        progress: new RunProgress(runs, runId, counts),
        fail: unsee,
        writes,
      };
      const known = await store.getDocumentStates(ingestor.id);
      bulk = new BulkLoad(
        store,
        BulkLoad.isCandidate(known, modelKey, reembed),
        log,
      );
      state.bulk = bulk;
      await state.progress.expect(known);

      const context: IngestorContext = {
        signal,
        // Re-embedding: no version is known, so the ingestor yields every document.
        getKnownVersion: async id =>
          reembed ? undefined : known.get(id)?.version,
        keep: id => {
          if (seen.has(id)) return;
          seen.add(id);
          counts.documents += 1;
          counts.documentsUnchanged += 1;
          counts.chunksSkipped += known.get(id)?.chunkCount ?? 0;
        },
        reportError: (id, message) => fail(String(id), String(message)),
      };

      for await (const yielded of ingestor.ingest(context)) {
        signal.throwIfAborted();
        await state.progress.update();
        const problem = validateDocument(yielded);
        if (problem) {
          fail(String(yielded?.id ?? '(no id)'), problem);
          continue;
        }
        const document = normalizeGuards(yielded);
        if (seen.has(document.id)) {
          log.warn(
            `Skipped a second document with id ${document.id} from ${ingestor.id}`,
          );
          continue;
        }
        seen.add(document.id);
        counts.documents += 1;

        const contentHash = hashDocument(document, this.options.chunking);
        const previous = known.get(document.id);
        if (
          !reembed &&
          previous &&
          previous.contentHash === contentHash &&
          previous.embeddingModel === modelKey
        ) {
          counts.documentsUnchanged += 1;
          counts.chunksSkipped += previous.chunkCount;
          continue;
        }
        let chunks: Chunk[];
        try {
          chunks = await this.options.chunker(document);
        } catch (error) {
          unsee(document.id, `could not be chunked: ${errorMessage(error)}`);
          continue;
        }
        state.pending.push({ document, contentHash, chunks });
        state.pendingChunks += chunks.length;
        if (state.pendingChunks >= flushChunks) {
          await this.flush(state, signal);
        }
      }
      await this.flush(state, signal);
      await writes.finish();
      signal.throwIfAborted();
      await bulk.finish();

      // Only a complete run knows what no longer exists.
      const pruned = await store.pruneDocuments(ingestor.id, seen);
      counts.documentsPruned = pruned.documents;
      counts.chunksPruned = pruned.chunks;
      if (
        counts.chunksEmbedded + counts.chunksPruned > 0 ||
        counts.documents > counts.documentsUnchanged
      ) {
        await store.optimize();
      }
      await runs.finish(runId, 'succeeded', counts, undefined, failures);
      log.info(`Ingestion of ${ingestor.id} finished`, {
        durationMs: record('succeeded'),
        ...counts,
      });
      return {
        id: runId,
        ingestor: ingestor.id,
        state: 'succeeded',
        startedAt,
        finishedAt: new Date(),
        ...counts,
        documentErrors: failures,
        reembed,
      };
    } catch (error) {
      // No write of this run goes on after it is recorded as failed.
      await writes.settle();
      // Searches must not stay without the index that this run deferred.
      await bulk
        ?.finish()
        .catch(buildError =>
          log.error(
            `Could not build the vector index: ${errorMessage(buildError)}`,
          ),
        );
      const message = signal.aborted
        ? `Aborted: ${String(signal.reason?.message ?? signal.reason ?? 'timeout')}`
        : errorMessage(error);
      await runs.finish(runId, 'failed', counts, message, failures);
      log.error(`Ingestion of ${ingestor.id} failed; nothing was pruned`, {
        error: message,
        durationMs: record('failed'),
        ...counts,
      });
      return {
        id: runId,
        ingestor: ingestor.id,
        state: 'failed',
        startedAt,
        finishedAt: new Date(),
        error: message,
        ...counts,
        documentErrors: failures,
        reembed,
      };
    }
  }

  /**
   * Embeds the chunks of pending documents that have no stored vector yet (in calls of at
   * most `batchSize` chunks), then writes each document with all its chunks.
   */
  private async flush(state: RunState, signal: AbortSignal): Promise<void> {
    const { store, embeddings, batchSize } = this.options;
    const pending = state.pending;
    state.pending = [];
    state.pendingChunks = 0;
    if (pending.length === 0) return;

    const reusable = state.reembed
      ? new Map<string, Map<string, Vector>>()
      : await store.getReusableEmbeddings(
          state.source,
          pending.map(p => p.document.id),
        );
    const prepared: StoredChunk[][] = [];
    const missing: Array<{ chunk: StoredChunk; text: string }> = [];
    for (const { document, chunks } of pending) {
      const stored = reusable.get(document.id);
      prepared.push(
        chunks.map(piece => {
          const text = embeddingText(piece);
          const contentHash = sha256(text);
          const reused = stored?.get(contentHash);
          const chunk: StoredChunk = {
            content: piece.content,
            contentHash,
            // A chunk to embed gets its vector below, before it is written.
            embedding: reused ?? NOT_EMBEDDED,
            title: piece.title,
            section: piece.headings.join(' > ') || undefined,
            anchor:
              document.sectionAnchors === false ? undefined : piece.anchor,
          };
          if (reused) {
            state.counts.chunksSkipped += 1;
          } else {
            missing.push({ chunk, text });
          }
          return chunk;
        }),
      );
    }

    signal.throwIfAborted();
    const vectors = await embeddings.embedBatches(
      missing.map(m => m.text),
      {
        batchSize,
        signal,
        onBatch: async count => {
          state.counts.chunksEmbedded += count;
          await state.progress.update();
        },
      },
    );
    missing.forEach((m, j) => {
      m.chunk.embedding = vectors[j];
    });

    await state.bulk?.beforeWrite();
    // Postgres writes these while the next documents are chunked and embedded.
    const chunks = prepared.reduce((sum, list) => sum + list.length, 0);
    await state.writes.start(chunks, () =>
      writeBatch(
        store,
        state.source,
        pending.map(({ document, contentHash }, index) => ({
          document: {
            source: state.source,
            documentId: document.id,
            title: document.title,
            url: document.url,
            entityRef: document.entityRef,
            entityRefs: document.entityRefs,
            version: document.version,
            contentHash,
            metadata: document.metadata ?? {},
            sourceUpdatedAt: document.updatedAt,
          },
          chunks: prepared[index],
        })),
        (documentId, error) =>
          state.fail(documentId, `could not be stored: ${errorMessage(error)}`),
      ),
    );
  }
}

function errorMessage(error: unknown): string {
  return String((error as Error | null)?.message ?? error);
}
