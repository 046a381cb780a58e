import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Loads YAML the way a Backstage backend does, with `${VAR}` substitution: writes it
 * to a temporary `app-config.production.yaml` and reads it back through
 * `FileConfigSource` and `ConfigSources.toConfig`.
 *
 * @param yaml - The config file's content.
 * @param env - The values substituted for `${VAR}`; a name missing here stays unset.
 * @returns The loaded config data.
 * @public
 */
export async function loadTestConfig(
  yaml: string,
  env: Record<string, string>,
): Promise<any> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-assistant-test-config-'));
  try {
    const path = join(dir, 'app-config.production.yaml');
    await writeFile(path, yaml);
    const source = FileConfigSource.create({
      path,
      watch: false,
      substitutionFunc: async name => env[name],
    });
    const config = await ConfigSources.toConfig(source);
    const data = config.get();
    config.close();
    return data as any;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The `aiAssistant` block of "Minimum production configuration" in the deployment
 * guide, verbatim, with its `${VAR}` references for {@link loadTestConfig} to fill:
 * `AZURE_REGION`, `AZURE_OPENAI_API_KEY`, `AZURE_OPENAI_ENDPOINT`, `AZURE_AI_API_KEY`
 * and `AZURE_AI_ENDPOINT`.
 *
 * @public
 */
export const deploymentGuideProductionConfig = `
aiAssistant:
  prompt:
    identity: |
      You are an AI assistant for [Company Name].
      Answer questions using provided context.

  embeddings:
    azureOpenAi:
      deploymentName: text-embedding-3-large
      instanceName: \${AZURE_REGION}
      apiKey: \${AZURE_OPENAI_API_KEY}
      endpoint: \${AZURE_OPENAI_ENDPOINT}
      openAIApiVersion: 2024-12-01-preview

  models:
    azureAi:
      apiKey: \${AZURE_AI_API_KEY}
      models:
        - endpoint: \${AZURE_AI_ENDPOINT}
          modelName: gpt-4o

  storage:
    pgVector:
      chunkSize: 800
      amount: 15

  ingestion:
    schedule:
      frequency:
        days: 1
      timeout:
        hours: 2
`;
