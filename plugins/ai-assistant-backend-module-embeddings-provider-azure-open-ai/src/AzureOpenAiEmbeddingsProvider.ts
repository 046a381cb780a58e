import type { Config } from '@backstage/config';
import {
  createRetryingFetch,
  type EmbeddingsProvider,
  ProviderError,
  type ProviderDeps,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureOpenAIEmbeddings,
  OpenAIClient,
  wrapOpenAIClientError,
} from '@langchain/openai';
import {
  type AzureOpenAiEmbeddingsConfig,
  readAzureOpenAiEmbeddingsConfig,
} from './config';
import { readFloat32Embeddings } from './float32Embeddings';

/**
 * A vector as the OpenAI SDK returns it with `encoding_format: 'base64'`: the float32
 * components' bytes (little-endian) in base64, or numbers from a server that ignored the
 * format. LangChain passes it through, typed as numbers.
 */
type Embedding = number[] | string;

/**
 * The numbers of a vector. The bytes are copied into a float32 array in one go (the base64
 * decode's buffer may be a slice of Node's pool, unaligned for a Float32Array view) and read
 * from there into a preallocated array: no per-number call or boxing. Assumes a little-endian
 * host, as Node's every supported platform is.
 */
function decodeEmbedding(embedding: Embedding): number[] {
  if (typeof embedding !== 'string') return embedding;
  const bytes = Buffer.from(embedding, 'base64');
  if (bytes.length % 4 !== 0) {
    throw new RangeError(
      `Invalid base64 embedding: ${bytes.length} bytes is not a whole number of float32 values`,
    );
  }
  const floats = new Float32Array(bytes.length / 4);
  new Uint8Array(floats.buffer).set(bytes);
  const vector = new Array<number>(floats.length);
  for (let i = 0; i < floats.length; i++) vector[i] = floats[i];
  return vector;
}

/**
 * LangChain's Azure OpenAI embeddings client whose failures are {@link ProviderError}s that
 * name the provider, deployment and endpoint, and never the key.
 */
class ErrorNamingAzureOpenAIEmbeddings extends AzureOpenAIEmbeddings {
  readonly #config: AzureOpenAiEmbeddingsConfig;
  /** The same requests as LangChain's client makes, for answers read as bytes. */
  readonly #rawClient: OpenAIClient;

  constructor(
    config: AzureOpenAiEmbeddingsConfig,
    fetch: typeof globalThis.fetch,
  ) {
    super({
      azureOpenAIApiKey: config.apiKey,
      azureOpenAIApiVersion: config.openAIApiVersion,
      // A base path is the one setting LangChain's embeddings honour for any host; it also
      // keeps LangChain from falling back to AZURE_OPENAI_* environment variables.
      azureOpenAIBasePath: `${config.endpoint}/openai/deployments`,
      azureOpenAIApiDeploymentName: config.deploymentName,
      model: config.deploymentName,
      batchSize: config.batchSize,
      dimensions: config.dimensions,
      // Retries happen once, in the fetch below, which honours Retry-After; LangChain's own
      // retry loop on top of it would multiply the attempts.
      maxRetries: 0,
      configuration: { fetch },
      // Asked for explicitly, the OpenAI SDK hands the base64 vectors over as they came, and
      // decodeEmbedding reads them; left to itself it decodes them with Array.from over a
      // Float32Array, which boxes every component: ~90 KB of garbage per 1,536-dimension
      // vector, the largest allocation of an ingestion run.
      encodingFormat: 'base64',
    });
    this.#config = config;
    this.#rawClient = new OpenAIClient({
      apiKey: config.apiKey,
      baseURL: `${config.endpoint}/openai/deployments/${config.deploymentName}`,
      defaultQuery: { 'api-version': config.openAIApiVersion },
      // Azure takes the key in `api-key`; no bearer token.
      defaultHeaders: { 'api-key': config.apiKey, authorization: null },
      maxRetries: 0,
      fetch,
    });
  }

  /**
   * The vectors of `embedDocuments` as float32, read from the answer's bytes (see
   * readFloat32Embeddings): what ingestion uses, without a JS number array per vector.
   */
  async embedDocumentsFloat32(texts: string[]): Promise<Float32Array[]> {
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      batches.push(
        texts
          .slice(i, i + this.batchSize)
          .map(text => (this.stripNewLines ? text.replace(/\n/g, ' ') : text)),
      );
    }
    try {
      const answers = await Promise.all(
        batches.map(input =>
          this.caller.call(async () => {
            try {
              const response = await this.#rawClient.embeddings
                .create({
                  model: this.model,
                  input,
                  ...(this.dimensions ? { dimensions: this.dimensions } : {}),
                  encoding_format: 'base64',
                })
                .asResponse();
              return readFloat32Embeddings(
                Buffer.from(await response.arrayBuffer()),
              );
            } catch (error) {
              throw wrapOpenAIClientError(error);
            }
          }),
        ),
      );
      return answers.flat();
    } catch (error) {
      throw this.#toProviderError(error);
    }
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    try {
      const vectors: Embedding[] = await super.embedDocuments(texts);
      return vectors.map(decodeEmbedding);
    } catch (error) {
      throw this.#toProviderError(error);
    }
  }

  override async embedQuery(text: string): Promise<number[]> {
    try {
      return decodeEmbedding(await super.embedQuery(text));
    } catch (error) {
      throw this.#toProviderError(error);
    }
  }

  #toProviderError(error: unknown): ProviderError {
    const { endpoint, deploymentName, apiKey } = this.#config;
    return ProviderError.fromClientError(error, {
      provider: 'Azure OpenAI',
      model: deploymentName,
      url: `${endpoint}/openai/deployments/${encodeURIComponent(deploymentName)}/embeddings`,
      secrets: [apiKey],
    });
  }
}

/**
 * The `azureOpenAi` embeddings provider: LangChain's `AzureOpenAIEmbeddings` pointed at
 * `<endpoint>/openai/deployments/<deploymentName>/embeddings?api-version=<openAIApiVersion>`,
 * sending at most `batchSize` inputs per request, retrying rate limits and server errors, with
 * errors that name the deployment and endpoint and never the key.
 *
 * @public
 */
export class AzureOpenAiEmbeddingsProvider implements EmbeddingsProvider {
  readonly id = 'azureOpenAi';
  readonly model: string;
  readonly embeddings: AzureOpenAIEmbeddings;
  readonly dimensions?: number;
  readonly #embeddings: ErrorNamingAzureOpenAIEmbeddings;

  /** Creates the provider from `aiAssistant.embeddings.azureOpenAi` and logs where it points. */
  static fromConfig(
    config: Config,
    deps: ProviderDeps,
  ): AzureOpenAiEmbeddingsProvider {
    const settings = readAzureOpenAiEmbeddingsConfig(config);
    deps.logger.info(
      `Azure OpenAI embeddings: deployment ${settings.deploymentName} at ${settings.endpoint}, API version ${settings.openAIApiVersion}, ${settings.batchSize} inputs per request`,
    );
    return new AzureOpenAiEmbeddingsProvider(settings);
  }

  constructor(config: AzureOpenAiEmbeddingsConfig) {
    const fetch = createRetryingFetch({
      maxRetries: config.maxRetries,
      timeoutMs: config.timeoutMs,
    });
    this.#embeddings = new ErrorNamingAzureOpenAIEmbeddings(config, fetch);
    this.embeddings = this.#embeddings;
    this.model = config.deploymentName;
    if (config.dimensions) this.dimensions = config.dimensions;
  }

  embedDocumentsFloat32(texts: string[]): Promise<Float32Array[]> {
    return this.#embeddings.embedDocumentsFloat32(texts);
  }
}

/**
 * Creates the `azureOpenAi` embeddings provider from settings already read.
 *
 * @public
 * @deprecated Use `AzureOpenAiEmbeddingsProvider.fromConfig`, or its constructor with settings.
 */
export function createAzureOpenAiEmbeddingsProvider(
  config: AzureOpenAiEmbeddingsConfig,
): EmbeddingsProvider {
  return new AzureOpenAiEmbeddingsProvider(config);
}
