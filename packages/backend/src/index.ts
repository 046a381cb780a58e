/*
 * The development backend: a minimal Backstage backend (new backend system) that runs the
 * AI assistant plugin the way an adopter's backend would (see the deployment guide, step 3).
 * With app-config.yaml alone it needs no external service: better-sqlite3 in memory for
 * Backstage, embedded PGlite for the assistant's knowledge store, offline local embeddings, and
 * Ollama as the chat model (answers say clearly when it is not running; sources still show).
 */
import { createBackend } from '@backstage/backend-defaults';
import { devBackendFeatures, devPermissionFeatures } from './features';

const backend = createBackend();

// The features are listed in ./features, which the tests start too (e.g. the MCP test).
for (const feature of [...devBackendFeatures, ...devPermissionFeatures]) {
  backend.add(feature);
}

backend.start();
