import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  KnowledgeSearchResult,
  KnowledgeStore,
} from '../database/KnowledgeStore';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';
import {
  type AiAssistantMetrics,
  noopMetrics,
  secondsSince,
} from '../metrics/AiAssistantMetrics';

/**
 * Fetches this many times the wanted amount before the permission filter, so that answers
 * keep enough context when some chunks belong to entities the user may not read.
 */
const OVERFETCH = 3;

/**
 * Finds the chunks that answer a question and that the asking user may read: hybrid search,
 * then one batched permission check of every entity the candidates belong to.
 */
export class Retriever {
  constructor(
    private readonly options: {
      store: KnowledgeStore;
      embeddings: EmbeddingsService;
      permissions: PermissionsService;
      amount: number;
      metrics?: AiAssistantMetrics;
    },
  ) {}

  /**
   * The best `limit` (default: the configured amount) chunks for the question. A chunk of a
   * catalog entity is kept only if the user may read that entity; chunks without one are
   * public to every chat user.
   */
  async retrieve(
    question: string,
    credentials: BackstageCredentials,
    limit = this.options.amount,
  ): Promise<KnowledgeSearchResult[]> {
    const { store, embeddings } = this.options;
    const model = await embeddings.getModel();
    const vector = await embeddings.embedQuery(question);
    const searchStart = performance.now();
    const candidates = await store.search(model, {
      text: question,
      vector,
      limit: limit * OVERFETCH,
    });
    (this.options.metrics ?? noopMetrics).search(secondsSince(searchStart));
    const allowed = await this.readableEntities(candidates, credentials);
    return candidates
      .filter(chunk => !chunk.entityRef || allowed.has(chunk.entityRef))
      .slice(0, limit);
  }

  private async readableEntities(
    chunks: KnowledgeSearchResult[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const refs = [...new Set(chunks.flatMap(chunk => chunk.entityRef ?? []))];
    if (refs.length === 0) {
      return new Set();
    }
    const decisions = await this.options.permissions.authorize(
      refs.map(resourceRef => ({
        permission: catalogEntityReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      refs.filter(
        (_ref, index) => decisions[index]?.result === AuthorizeResult.ALLOW,
      ),
    );
  }
}
