/*
 * The development backend: a minimal Backstage backend (new backend system) that runs the
 * AI assistant plugin the way an adopter's backend would (see the deployment guide, step 3).
 * With app-config.yaml alone it needs no external service: better-sqlite3 in memory for
 * Backstage, embedded PGlite for the assistant's knowledge store, offline local embeddings, and
 * Ollama as the chat model (answers say clearly when it is not running; sources still show).
 */
import { createBackend } from '@backstage/backend-defaults';
import { healthcheckFeature } from './healthcheck';

const backend = createBackend();

// Serves the built app (packages/app/dist) on this port, with the backend's frontend config
// injected; with no build (e.g. under `yarn start`, where the dev server serves the app) it
// serves nothing.
backend.add(import('@backstage/plugin-app-backend'));

// The software catalog, loading the example entities in examples/ (see catalog.locations).
backend.add(import('@backstage/plugin-catalog-backend'));

// Sign-in for development: the guest provider issues user tokens without an identity provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Permission framework with a policy that allows everything (development only).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// The AI assistant and its zero-setup embeddings provider.
backend.add(import('@ai-assistant/backstage-plugin-ai-assistant-backend'));
backend.add(
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-local'),
);
// Chat models from Ollama (aiAssistant.models.ollama), and the catalog as knowledge.
backend.add(
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-ollama'),
);
backend.add(
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-catalog'),
);
// The Azure providers of app-config.production.yaml (the image). Each registers only when its
// config block exists, so `yarn start` is unaffected.
backend.add(
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai'),
);
backend.add(
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai'),
);

// `GET /healthcheck`, the path the guide's Docker and Kubernetes probes use.
backend.add(healthcheckFeature);

backend.start();
