import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type {
  KnowledgeStore,
  StoredChunk,
  StoredDocument,
} from '../database/KnowledgeStore';
import {
  type DocumentError,
  emptyCounts,
  IngestionRun,
  IngestionRunCounts,
  IngestionRunStore,
  MAX_DOCUMENT_ERRORS,
} from '../database/IngestionRunStore';
import type { EmbeddingModel } from '../database/vectorIndex';
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
import { normalizeGuards, validateDocument } from './validateDocument';

/** Documents written at once; see flush. */
const CONCURRENT_WRITES = 4;

/** A changed document waiting for its chunks to be embedded. */
interface PendingDocument {
  document: IngestionDocument;
  contentHash: string;
  chunks: Chunk[];
}

/** Everything one run of one ingestor works with. */
interface RunState {
  source: string;
  model: EmbeddingModel;
  counts: IngestionRunCounts;
  pending: PendingDocument[];
  pendingChunks: number;
  /** Skips a document because of an error of its own; the run goes on. */
  fail(documentId: string, message: string): void;
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

  /** Runs an ingestor to the end and records the run. Never throws: failures are recorded. */
  async run(ingestor: Ingestor, signal: AbortSignal): Promise<IngestionRun> {
    const { store, runs, embeddings, logger } = this.options;
    const startedAt = new Date();
    const runId = await runs.start(ingestor.id);
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
    log.info(`Ingestion of ${ingestor.id} started`);
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
    try {
      const model = await embeddings.getModel();
      await store.prepareModel(model);
      const state: RunState = {
        source: ingestor.id,
        model,
        counts,
        pending: [],
        pendingChunks: 0,
        fail: unsee,
      };
      const known = await store.getDocumentStates(ingestor.id);

      const context: IngestorContext = {
        signal,
        getKnownVersion: async id => known.get(id)?.version,
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
          previous &&
          previous.contentHash === contentHash &&
          previous.embeddingModel === model.key
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
        if (state.pendingChunks >= this.options.batchSize) {
          await this.flush(state, signal);
        }
      }
      await this.flush(state, signal);
      signal.throwIfAborted();

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
      };
    } catch (error) {
      const message = signal.aborted
        ? `Aborted: ${String(signal.reason?.message ?? signal.reason ?? 'timeout')}`
        : String(error?.message ?? error);
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

    const reusable = await store.getReusableEmbeddings(
      state.source,
      pending.map(p => p.document.id),
      state.model.key,
    );
    const prepared: StoredChunk[][] = [];
    const missing: Array<{ chunk: StoredChunk; text: string }> = [];
    for (const { document, chunks } of pending) {
      const stored = reusable.get(document.id);
      prepared.push(
        chunks.map(piece => {
          const text = embeddingText(piece);
          const contentHash = sha256(text);
          const chunk: StoredChunk = {
            content: piece.content,
            contentHash,
            embedding: stored?.get(contentHash) ?? '',
            title: piece.title,
            section: piece.headings.join(' > ') || undefined,
            anchor:
              document.sectionAnchors === false ? undefined : piece.anchor,
          };
          if (chunk.embedding) {
            state.counts.chunksSkipped += 1;
          } else {
            missing.push({ chunk, text });
          }
          return chunk;
        }),
      );
    }

    for (let i = 0; i < missing.length; i += batchSize) {
      signal.throwIfAborted();
      const slice = missing.slice(i, i + batchSize);
      const vectors = await embeddings.embedDocuments(slice.map(m => m.text));
      slice.forEach((m, j) => {
        m.chunk.embedding = vectorText(vectors[j]);
      });
      state.counts.chunksEmbedded += slice.length;
    }

    // Postgres spends most of a write inserting vectors into the HNSW index, on one core per
    // connection; writing a few documents at once lets it use more than one core.
    let next = 0;
    let failed = false;
    const writeNext = async () => {
      while (next < pending.length && !failed) {
        const index = next++;
        const { document, contentHash } = pending[index];
        const stored: StoredDocument = {
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
        };
        try {
          await store.writeDocument(stored, prepared[index], state.model.key);
        } catch (error) {
          if (isDocumentDataError(error)) {
            state.fail(
              document.id,
              `could not be stored: ${errorMessage(error)}`,
            );
            continue;
          }
          failed = true;
          throw error;
        }
      }
    };
    const writers = Array.from(
      { length: Math.min(CONCURRENT_WRITES, pending.length) },
      writeNext,
    );
    const failure = (await Promise.allSettled(writers)).find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failure) {
      throw failure.reason;
    }
  }
}

/**
 * Whether a failed write was refused for the document's own data, such as a NUL character in
 * its text (SQLSTATE class 22, data exception) or a value too large for an index (class 54,
 * program limit exceeded). Anything else (connection lost, timeout, a full disk) concerns
 * every document, so it fails the run and prunes nothing.
 */
function isDocumentDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof RangeError ||
    (typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code))
  );
}

function errorMessage(error: unknown): string {
  return String((error as Error | null)?.message ?? error);
}

/**
 * pgvector's text form of a vector, each number as an integer count of 1e-9: within float32
 * precision for the components of embeddings, and about 5× faster and 40 % shorter than
 * printing full doubles, which made this the pipeline's largest cost and most of its garbage.
 */
export function vectorText(vector: number[]): string {
  // join, not +=, so the result is one flat string rather than thousands of rope nodes.
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    parts[i] = `${Math.round(vector[i] * 1e9)}e-9`;
  }
  return `[${parts.join(',')}]`;
}
