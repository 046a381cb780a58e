/*
 * The features of the development backend, in one list that `index.ts` starts and that tests
 * start too (with `startTestBackend`), so a test of "the dev backend" runs exactly these.
 */
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { aiAssistantModuleHealthcheck } from '@ai-assistant/backstage-plugin-ai-assistant-backend';
import { e2eTestActionsFeature } from './e2eTestActions';

/** A feature as `backend.add` and `startTestBackend` take it: loaded or being imported. */
export type DevBackendFeature =
  BackendFeature | Promise<{ default: BackendFeature }>;

/**
 * Every feature of the dev backend except the permission framework (see
 * {@link devPermissionFeatures}), which tests replace with a policy of their own.
 */
export const devBackendFeatures: DevBackendFeature[] = [
  // Serves the built app (packages/app/dist) on this port, with the backend's frontend config
  // injected; with no build (e.g. under `yarn start`, where the dev server serves the app) it
  // serves nothing.
  import('@backstage/plugin-app-backend'),

  // The software catalog, loading the example entities in examples/ (see catalog.locations).
  import('@backstage/plugin-catalog-backend'),

  // Sign-in for development: the guest provider issues user tokens without an identity provider.
  import('@backstage/plugin-auth-backend'),
  import('@backstage/plugin-auth-backend-module-guest-provider'),

  // The AI assistant and its zero-setup embeddings provider.
  import('@ai-assistant/backstage-plugin-ai-assistant-backend'),
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-local'),
  // Chat models from Ollama (aiAssistant.models.ollama), and the catalog as knowledge.
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-ollama'),
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-catalog'),
  // The Azure providers of app-config.production.yaml (the image). Each registers only when its
  // config block exists, so `yarn start` is unaffected.
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai'),
  import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai'),

  // The actions of the plugins in backend.actions.pluginSources (the assistant's
  // search-knowledge, ask and ingestion-status among them) as MCP tools for IDE agents, at
  // /api/mcp-actions/v1 (docs/ide-agent.md).
  import('@backstage/plugin-mcp-actions-backend'),

  // `GET /healthcheck`, the path the guide's Docker and Kubernetes probes use: 503 until the
  // backend has started, or while the assistant's database is unreachable or not migrated.
  // The same line an adopter adds (docs/deployment.md, step 3).
  aiAssistantModuleHealthcheck,

  // TEST ONLY: a destructive action for the browser e2e of action approval; added only when
  // aiAssistantDev.testActions.recorderUrl is set (the e2e harness sets it).
  e2eTestActionsFeature,
];

/** Permission framework with a policy that allows everything (development only). */
export const devPermissionFeatures: DevBackendFeature[] = [
  import('@backstage/plugin-permission-backend'),
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
];
