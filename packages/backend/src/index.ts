/*
 * The development backend: a minimal Backstage backend (new backend system) that runs the
 * AI assistant plugin the way an adopter's backend would (see the deployment guide, step 3).
 * With app-config.yaml alone it needs no external service: better-sqlite3 in memory for
 * Backstage, embedded PGlite for the assistant's knowledge store, offline local embeddings.
 */
import { createBackend } from '@backstage/backend-defaults';
import { healthcheckFeature } from './healthcheck';

const backend = createBackend();

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

// `GET /healthcheck`, the path the guide's Docker and Kubernetes probes use.
backend.add(healthcheckFeature);

backend.start();
