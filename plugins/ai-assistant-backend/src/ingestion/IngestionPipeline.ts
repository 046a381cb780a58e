import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { KnowledgeStore, StoredChunk } from '../database/KnowledgeStore';
import {
  emptyCounts,
  IngestionRun,
  IngestionRunCounts,
  IngestionRunStore,
} from '../database/IngestionRunStore';
import type { EmbeddingModel } from '../database/vectorIndex';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';
import {
  type AiAssistantMetrics,
  noopMetrics,
} from '../metrics/AiAssistantMetrics';
import { Chunker, ChunkingOptions, hashDocument, sha256 } from './chunking';
import { validateDocument } from './validateDocument';

/** Documents written at once; see flush. */
const CONCURRENT_WRITES = 4;

/** A changed document waiting for its chunks to be embedded. */
interface PendingDocument {
  document: IngestionDocument;
  contentHash: string;
  chunks: string[];
}

/** Everything one run of one ingestor works with. */
interface RunState {
  source: string;
  model: EmbeddingModel;
  counts: IngestionRunCounts;
  pending: PendingDocument[];
  pendingChunks: number;
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
      chunking: ChunkingOptions;
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
    let invalidDocuments = 0;
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
        errors: invalidDocuments + (state === 'failed' ? 1 : 0),
      });
      return durationMs;
    };
    const log = logger.child({ ingestor: ingestor.id, runId });
    log.info(`Ingestion of ${ingestor.id} started`);
    try {
      const model = await embeddings.getModel();
      await store.prepareModel(model);
      const state: RunState = {
        source: ingestor.id,
        model,
        counts,
        pending: [],
        pendingChunks: 0,
      };
      const known = await store.getDocumentStates(ingestor.id);
      const seen = new Set<string>();

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
      };

      for await (const document of ingestor.ingest(context)) {
        signal.throwIfAborted();
        const problem = validateDocument(document);
        if (problem) {
          invalidDocuments += 1;
          log.warn(`Skipped a document of ${ingestor.id}: ${problem}`);
          continue;
        }
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
        const chunks = await this.options.chunker(document);
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
      await runs.finish(runId, 'succeeded', counts);
      log.info(`Ingestion of ${ingestor.id} finished`, {
        durationMs: record('succeeded'),
        invalidDocuments,
        ...counts,
      });
      return {
        id: runId,
        ingestor: ingestor.id,
        state: 'succeeded',
        startedAt,
        finishedAt: new Date(),
        ...counts,
      };
    } catch (error) {
      const message = signal.aborted
        ? `Aborted: ${String(signal.reason?.message ?? signal.reason ?? 'timeout')}`
        : String(error?.message ?? error);
      await runs.finish(runId, 'failed', counts, message);
      log.error(`Ingestion of ${ingestor.id} failed; nothing was pruned`, {
        error: message,
        durationMs: record('failed'),
        invalidDocuments,
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
        chunks.map(content => {
          const contentHash = sha256(content);
          const chunk: StoredChunk = {
            content,
            contentHash,
            embedding: stored?.get(contentHash) ?? '',
          };
          if (chunk.embedding) {
            state.counts.chunksSkipped += 1;
          } else {
            missing.push({ chunk, text: content });
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
        try {
          await store.writeDocument(
            {
              source: state.source,
              documentId: document.id,
              title: document.title,
              url: document.url,
              entityRef: document.entityRef,
              version: document.version,
              contentHash,
              metadata: document.metadata ?? {},
              sourceUpdatedAt: document.updatedAt,
            },
            prepared[index],
            state.model.key,
          );
        } catch (error) {
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
