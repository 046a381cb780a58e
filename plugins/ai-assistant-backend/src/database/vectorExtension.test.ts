import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  assertVectorSupportsModel,
  ensureVectorExtension,
  isVectorVersionAtLeast,
  vectorVersionProblem,
} from './vectorExtension';

jest.setTimeout(60_000);

describe('pgvector version and the embeddings model', () => {
  it('names the version, the requirement and the fix for a 3,072-dimension model on pgvector 0.6', () => {
    const message = vectorVersionProblem({
      version: '0.6.2',
      dimensions: 3072,
      database: 'backstage_plugin_ai-assistant',
    });
    expect(message).toContain('3072 dimensions');
    expect(message).toContain(
      'database "backstage_plugin_ai-assistant" has pgvector 0.6.2',
    );
    expect(message).toContain('needs pgvector 0.7.0 or newer');
    expect(message).toContain(
      'ALTER EXTENSION vector UPDATE; in database "backstage_plugin_ai-assistant"',
    );
    expect(message).toContain('pgvector/pgvector:pg16');
  });

  it.each([
    ['0.7.0', 3072],
    ['0.8.0', 3072],
    ['0.10.1', 4000],
    ['0.6.2', 2000], // an HNSW index on vector
    ['0.5.1', 1536],
    ['0.6.2', 8192], // no index on any version before 0.7: exact search works
  ])('lets pgvector %s serve %i dimensions', (version, dimensions) => {
    expect(
      vectorVersionProblem({ version, dimensions, database: 'db' }),
    ).toBeUndefined();
  });

  it('compares versions by number, not as text', () => {
    expect(isVectorVersionAtLeast('0.10.0', '0.7.0')).toBe(true);
    expect(isVectorVersionAtLeast('0.7', '0.7.0')).toBe(true);
    expect(isVectorVersionAtLeast('0.6.9', '0.7.0')).toBe(false);
    expect(isVectorVersionAtLeast('1.0.0', '0.7.0')).toBe(true);
  });
});

// Fails in CI when no PostgreSQL server is configured, like every Postgres suite.
const { ids } = knowledgeTestDatabases();
const databases = ids.includes('POSTGRES_15')
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;
const describePostgres = databases ? describe : describe.skip;

describePostgres('on this PostgreSQL server (pgvector 0.7 or newer)', () => {
  it('starts with a 3,072-dimension model without asking the provider', async () => {
    const knex = await databases!.init('POSTGRES_15');
    await ensureVectorExtension(knex);
    const dimensions = jest.fn(async () => 3072);
    await expect(
      assertVectorSupportsModel({
        knex,
        dimensions,
        logger: mockServices.logger.mock(),
      }),
    ).resolves.toBeUndefined();
    expect(dimensions).not.toHaveBeenCalled();
  });

  describe('pluginDivisionMode schema, with vector installed in public', () => {
    const opened: Knex[] = [];
    afterAll(() => Promise.all(opened.map(knex => knex.destroy())));

    async function connect(searchPath: string[]) {
      const admin = await databases!.init('POSTGRES_15');
      await admin.raw('CREATE EXTENSION vector SCHEMA public');
      await admin.raw('CREATE SCHEMA "ai-assistant"');
      const knex = knexFactory({
        client: 'pg',
        connection: admin.client.config.connection,
        searchPath,
      });
      opened.push(knex);
      return knex;
    }

    it('refuses to start, naming the schema and the searchPath setting', async () => {
      const knex = await connect(['ai-assistant']);
      await expect(ensureVectorExtension(knex)).rejects.toThrow(
        `The PostgreSQL extension "vector" is installed in schema "public"`,
      );
      await expect(ensureVectorExtension(knex)).rejects.toThrow(
        `backend.database.plugin.ai-assistant.knexConfig.searchPath: ['ai-assistant', 'public']`,
      );
    });

    it('starts once the searchPath includes that schema', async () => {
      const knex = await connect(['ai-assistant', 'public']);
      await expect(ensureVectorExtension(knex)).resolves.toBeUndefined();
      await knex.raw('CREATE TABLE probe (embedding vector(3))');
    });
  });
});
