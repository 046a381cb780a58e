import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  GithubIngestor,
  readGithubIngestorConfig,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-github';
import {
  type FakeGithubRepository,
  type GithubTestServer,
  startGithubTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-github/testUtils';
import type {
  IngestionDocument,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  countingEmbeddingsProvider,
  doc,
  FakeIngestor,
} from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 400, chunkOverlap: 0 };

describe.each(databases.eachId())(
  'one poisoned file stops an ingestor forever, on %s',
  databaseId => {
    let store: KnowledgeStore;
    let runs: IngestionRunStore;
    let pipeline: IngestionPipeline;
    const signal = () => new AbortController().signal;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      const embeddings = new EmbeddingsService(countingEmbeddingsProvider());
      store = KnowledgeStore.create({
        knex,
        model: () => embeddings.getModel(),
      });
      runs = IngestionRunStore.create({ knex });
      pipeline = new IngestionPipeline({
        store,
        runs,
        embeddings,
        chunker: createChunker(chunking),
        chunking,
        batchSize: 8,
        logger: mockServices.logger.mock(),
      });
    });

    const storedIds = async (source: string) =>
      [...(await store.getDocumentStates(source)).keys()].sort();

    describe('with GitHub', () => {
      let github: GithubTestServer;
      let repositories: FakeGithubRepository[];
      beforeEach(async () => {
        repositories = [
          { name: 'open', files: { 'README.md': '# Open\n\nPublic notes.' } },
          {
            name: 'closing',
            files: { 'README.md': '# Closing\n\nSoon private.' },
          },
        ];
        github = await startGithubTestServer({ acme: repositories });
      });
      afterEach(() => github.close());

      it('one poisoned file: a NUL byte after the first 8 KiB neither fails the run nor keeps a repository made private', async () => {
        const config = new ConfigReader({
          aiAssistant: { ingestors: { github: { organizations: ['acme'] } } },
        });
        const ingestor = new GithubIngestor({
          config: readGithubIngestorConfig(config)!,
          apiBaseUrl: github.origin,
          credentialsProvider: {
            getCredentials: async () => ({ type: 'token', headers: {} }),
          },
          logger: mockServices.logger.mock(),
        });
        expect(await pipeline.run(ingestor, signal())).toMatchObject({
          state: 'succeeded',
        });
        expect(await storedIds('github')).toEqual([
          'acme/closing/README.md',
          'acme/open/README.md',
        ]);

        repositories[0].files['docs/poisoned.md'] =
          `# Poisoned\n\n${'x'.repeat(9000)}\u0000tail`;
        repositories[1].visibility = 'private';
        for (let i = 0; i < 2; i++) {
          // Every scheduled run, not just the first one, gets through.
          expect(await pipeline.run(ingestor, signal())).toMatchObject({
            state: 'succeeded',
            documentsPruned: i === 0 ? 1 : 0,
          });
          expect(await storedIds('github')).toEqual(['acme/open/README.md']);
        }
      });
    });

    it('one poisoned file: a document the database refuses is skipped and reported, the rest is stored and pruning goes on', async () => {
      const ingestor = new FakeIngestor();
      ingestor.documents = [
        doc('gone', 'Soon removed at the source.'),
        doc('good', 'Kept.'),
      ];
      await pipeline.run(ingestor, signal());

      ingestor.documents = [
        // Postgres text cannot hold a NUL character.
        doc('refused', 'Before\u0000after.'),
        doc('good', 'Kept, and changed.'),
      ];
      const run = await pipeline.run(ingestor, signal());

      expect(run).toMatchObject({
        state: 'succeeded',
        documentsFailed: 1,
        documentsPruned: 1,
        documentErrors: [
          { documentId: 'refused', error: expect.stringMatching(/\S/) },
        ],
      });
      expect(await storedIds('fake')).toEqual(['good']);
      const [latest] = await runs.latestPerIngestor();
      expect(latest).toMatchObject({
        state: 'succeeded',
        documentsFailed: 1,
        documentErrors: [{ documentId: 'refused' }],
      });
    });

    it('one poisoned file: unreadable and invalid documents are listed with the run, the list capped', async () => {
      const many: IngestionDocument[] = Array.from({ length: 120 }, (_, i) => ({
        ...doc(`bad-${i}`, 'x'),
        title: 42 as any,
      }));
      const ingestor = {
        id: 'fake',
        async *ingest(context: IngestorContext) {
          context.reportError('unreadable', 'Not valid UTF-8');
          yield doc('fine', 'Fine.');
          yield* many;
        },
      };
      const run = await pipeline.run(ingestor, signal());

      expect(run.state).toBe('succeeded');
      expect(run.documentsFailed).toBe(121);
      expect(run.documentErrors).toHaveLength(100);
      expect(run.documentErrors[0]).toEqual({
        documentId: 'unreadable',
        error: 'Not valid UTF-8',
      });
      expect(run.documentErrors[1]).toEqual({
        documentId: 'bad-0',
        error: expect.stringContaining('title must be a string'),
      });
      const [latest] = await runs.list('fake', 1);
      expect(latest.documentErrors).toEqual(run.documentErrors);
      expect(await storedIds('fake')).toEqual(['fine']);
    });
  },
);
