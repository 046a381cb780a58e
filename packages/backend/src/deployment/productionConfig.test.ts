import { AppConfig, ConfigReader } from '@backstage/config';
import { FileConfigSource, loadConfigSchema } from '@backstage/config-loader';
import { join } from 'node:path';
import { readRepoFile, repoRoot } from './__testUtils__/repoFiles';

/*
 * The image runs `--config app-config.yaml --config app-config.production.yaml`. Config files
 * merge key by key, so anything app-config.yaml sets up for `yarn start` (guest sign-in,
 * in-memory databases, local embeddings, a model on localhost) reaches production unless the
 * production file switches it off. These tests load both files the way the backend does.
 */

/** What a deployment sets (docs/deployment.md lists the variables). */
const productionEnv: Record<string, string> = {
  BACKEND_BASE_URL: 'https://backstage.example.com',
  POSTGRES_HOST: 'db.example.com',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'pg-password',
  POSTGRES_DB: 'backstage',
  AZURE_OPENAI_API_KEY: 'openai-key',
  AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com',
  AZURE_AI_API_KEY: 'ai-key',
  AZURE_AI_ENDPOINT: 'https://acme.openai.azure.com/openai/deployments/gpt-4o',
};

async function readConfigFiles(files: string[]): Promise<AppConfig[]> {
  const configs: AppConfig[] = [];
  for (const file of files) {
    const source = FileConfigSource.create({
      path: join(repoRoot, file),
      watch: false,
      substitutionFunc: async name => productionEnv[name],
    });
    for await (const { configs: read } of source.readConfigData()) {
      configs.push(...read);
      break;
    }
  }
  return configs;
}

/** Paths of every string value that contains `needle`, e.g. `backend.cors.origin`. */
function pathsContaining(value: unknown, needle: string, path = ''): string[] {
  if (typeof value === 'string') {
    return value.includes(needle) ? [path] : [];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      pathsContaining(child, needle, path ? `${path}.${key}` : key),
    );
  }
  return [];
}

describe('app-config.production.yaml layered over app-config.yaml', () => {
  let configs: AppConfig[];
  let config: ConfigReader;

  beforeAll(async () => {
    configs = await readConfigFiles([
      'app-config.yaml',
      'app-config.production.yaml',
    ]);
    config = ConfigReader.fromConfigs(configs);
  });

  it('passes the config schema of every package the backend runs', async () => {
    const schema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [join(repoRoot, 'packages/backend/package.json')],
    });
    expect(() => schema.process(configs)).not.toThrow();
  });

  it('points at no development address such as localhost', () => {
    expect(pathsContaining(config.get(), 'localhost')).toEqual([]);
  });

  it('keeps Backstage and the knowledge store in PostgreSQL', () => {
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.getString('backend.database.connection.host')).toBe(
      'db.example.com',
    );
    expect(config.has('aiAssistant.storage.pglite')).toBe(false);
  });

  it('drops the development sign-in, embeddings and models', () => {
    expect(config.has('auth.providers.guest')).toBe(false);
    expect(config.getString('aiAssistant.embeddings.provider')).toBe(
      'azureOpenAi',
    );
    expect(config.has('aiAssistant.embeddings.local')).toBe(false);
    expect(config.has('aiAssistant.models.ollama')).toBe(false);
    expect(config.getConfig('aiAssistant.models').keys()).toEqual(['azureAi']);
    // The example entities live in the repository, not in the image.
    expect(config.getConfigArray('catalog.locations')).toEqual([]);
  });

  it('configures only provider modules that the backend the image runs adds', () => {
    // A provider block without its module fails startup ("no embeddings provider").
    const modules: Record<string, string> = {
      'embeddings.azureOpenAi': 'embeddings-provider-azure-open-ai',
      'embeddings.ollama': 'embeddings-provider-ollama',
      'embeddings.local': 'embeddings-provider-local',
      'models.azureAi': 'model-provider-azure-ai',
      'models.ollama': 'model-provider-ollama',
    };
    // The dev backend's features, which packages/backend/src/index.ts adds.
    const backendIndex = readRepoFile('packages/backend/src/features.ts');
    const configured = Object.keys(modules).filter(block =>
      config.has(`aiAssistant.${block}`),
    );
    expect(configured).toEqual(['embeddings.azureOpenAi', 'models.azureAi']);
    const notAdded = configured.filter(
      block =>
        !backendIndex.includes(
          `import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-${modules[block]}')`,
        ),
    );
    expect(notAdded).toEqual([]);
  });

  it('uses the deployment guide’s production values, not the development ones', () => {
    expect(config.getNumber('aiAssistant.storage.pgVector.chunkSize')).toBe(
      800,
    );
    expect(config.getNumber('aiAssistant.storage.pgVector.amount')).toBe(15);
    expect(config.get('aiAssistant.ingestion.schedule')).toEqual({
      frequency: { days: 1, minutes: 0 },
      timeout: { hours: 2, minutes: 0 },
      initialDelay: { seconds: 15 },
    });
  });
});

describe('app-config.yaml alone (yarn start)', () => {
  it('needs no external service: in-memory SQLite and offline embeddings', async () => {
    const config = ConfigReader.fromConfigs(
      await readConfigFiles(['app-config.yaml']),
    );
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
    expect(config.has('aiAssistant.embeddings.local')).toBe(true);
  });
});
