/* eslint-disable jest/no-export -- these files are test suites that modules import and run */
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * Options of {@link runIngestorConformanceTests}.
 *
 * @public
 */
export interface IngestorConformanceOptions {
  /** Creates the ingestor under test, e.g. pointed at a loopback server. */
  createIngestor: () => Ingestor | Promise<Ingestor>;
  /** The least number of documents one run must yield. Defaults to 1. */
  minDocuments?: number;
}

/**
 * One run of an ingestor with a context that records what it kept.
 *
 * @public
 */
export async function collectIngestorRun(
  ingestor: Ingestor,
  options: { knownVersions?: Map<string, string>; signal?: AbortSignal } = {},
): Promise<{
  documents: IngestionDocument[];
  kept: string[];
  /** What the ingestor reported with `reportError`. */
  errors: Array<{ documentId: string; error: string }>;
}> {
  const documents: IngestionDocument[] = [];
  const kept: string[] = [];
  const errors: Array<{ documentId: string; error: string }> = [];
  const context: IngestorContext = {
    signal: options.signal ?? new AbortController().signal,
    getKnownVersion: async id => options.knownVersions?.get(id),
    keep: id => {
      kept.push(id);
    },
    reportError: (documentId, error) => {
      errors.push({ documentId, error });
    },
  };
  for await (const document of ingestor.ingest(context)) {
    documents.push(document);
  }
  return { documents, kept, errors };
}

/**
 * The behaviour the AI assistant core relies on from every ingestor. Call it at the top level
 * of a test file of an ingestor module; it defines a `describe` block.
 *
 * @public
 */
export function runIngestorConformanceTests(
  name: string,
  options: IngestorConformanceOptions,
): void {
  describe(`${name} ingestor conformance`, () => {
    let ingestor: Ingestor;
    let first: IngestionDocument[];
    beforeAll(async () => {
      ingestor = await options.createIngestor();
      first = (await collectIngestorRun(ingestor)).documents;
    });

    it('has an id usable as a source name', () => {
      expect(ingestor.id).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    });

    it('yields well-formed documents with unique ids', () => {
      expect(first.length).toBeGreaterThanOrEqual(options.minDocuments ?? 1);
      expect(new Set(first.map(d => d.id)).size).toBe(first.length);
      for (const document of first) {
        expect(typeof document.id).toBe('string');
        expect(document.id.length).toBeGreaterThan(0);
        expect(document.title.trim().length).toBeGreaterThan(0);
        expect(document.url).toMatch(/^(https?:\/\/|\/)/);
        expect(typeof document.content).toBe('string');
      }
      for (const entityRef of first.flatMap(d => d.entityRef ?? [])) {
        expect(entityRef).toMatch(/^[^:/]+:[^:/]+\/[^:/]+$/);
      }
    });

    it('documents without entityRef: states the visibility of every document, an entity guard or public', () => {
      for (const document of first) {
        const guarded =
          Boolean(document.entityRef) || Boolean(document.entityRefs?.length);
        expect({ id: document.id, guarded, public: document.public }).toEqual(
          guarded
            ? { id: document.id, guarded, public: undefined }
            : { id: document.id, guarded, public: true },
        );
      }
      for (const entityRef of first.flatMap(d => d.entityRefs ?? [])) {
        expect(entityRef).toMatch(/^[^:/]+:[^:/]+\/[^:/]+$/);
      }
    });

    it('yields the same document ids on a second run', async () => {
      const second = (await collectIngestorRun(ingestor)).documents;
      expect(second.map(d => d.id).sort()).toEqual(first.map(d => d.id).sort());
    });

    it('accounts for every document when versions are already known', async () => {
      const versions = new Map(
        first.filter(d => d.version !== undefined).map(d => [d.id, d.version!]),
      );
      const { documents, kept } = await collectIngestorRun(ingestor, {
        knownVersions: versions,
      });
      const accounted = new Set([...documents.map(d => d.id), ...kept]);
      expect([...accounted].sort()).toEqual(first.map(d => d.id).sort());
    });

    it('yields nothing once its signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      let yielded = 0;
      try {
        const run = await collectIngestorRun(ingestor, {
          signal: controller.signal,
        });
        yielded = run.documents.length;
      } catch {
        // Throwing is a fine way to stop.
      }
      expect(yielded).toBe(0);
    });
  });
}
