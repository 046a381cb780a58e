import {
  BackendFeature,
  coreServices,
  createBackendModule,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AiAssistantModel,
  AiAssistantTool,
  aiAssistantEmbeddingsProviderExtensionPoint,
  aiAssistantIngestorExtensionPoint,
  aiAssistantModelProviderExtensionPoint,
  aiAssistantToolExtensionPoint,
  IngestionDocument,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { aiAssistantPlugin } from '../plugin';
import { countingEmbeddingsProvider, FakeIngestor } from './fakes';
import { readSseEvents } from '../testUtils/readSseEvents';

/** A permission policy that records every request and denies the entities it is given. */
export class RecordingPermissions implements PermissionsService {
  readonly batches: Array<Array<{ permission: string; resourceRef?: string }>> =
    [];

  constructor(
    private readonly deniedRefs: string[] = [],
    private readonly deniedPermissions: string[] = [],
  ) {}

  async authorize(requests: any[]) {
    this.batches.push(
      requests.map(r => ({
        permission: r.permission.name,
        resourceRef: r.resourceRef,
      })),
    );
    return requests.map(r => ({
      result:
        this.deniedRefs.includes(r.resourceRef) ||
        this.deniedPermissions.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any;
  }

  async authorizeConditional(requests: any[]) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
  }
}

/** A policy that denies reading one entity to one user only, and records every request. */
export class DenyEntityTo extends RecordingPermissions {
  constructor(
    private readonly entityRef: string,
    private readonly user: string,
  ) {
    super();
  }

  async authorize(requests: any[], options?: any) {
    await super.authorize(requests);
    const user = options?.credentials?.principal?.userEntityRef;
    return requests.map(r => ({
      result:
        r.resourceRef === this.entityRef && user === this.user
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any;
  }
}

/** One Server-Sent Event with the time it arrived. */
export interface ReceivedEvent {
  type: string;
  data: any;
  at: number;
}

/** Options of {@link startChatBackend}. */
export interface ChatBackendOptions {
  /** Models of one provider; `null` installs no model provider at all. */
  models: AiAssistantModel[] | null;
  documents?: IngestionDocument[];
  config?: JsonObject;
  permissions?: RecordingPermissions;
  entities?: Entity[];
  tools?: AiAssistantTool[];
  /** A migrated Postgres database to use instead of the embedded one. */
  knex?: Knex;
  /** More features or service factories, e.g. a real metrics or auditor service. */
  features?: BackendFeature[];
  /**
   * `backend.cache` config, e.g. `{ store: 'redis', connection }`; with it the backend uses
   * Backstage's real cache service instead of the per-backend in-memory mock.
   */
  cache?: JsonObject;
  /** More `backend.*` config, e.g. `{ actions: { pluginSources: [...] } }`. */
  backendConfig?: JsonObject;
}

/**
 * Starts the plugin with fake embeddings, scripted models and the given documents ingested,
 * and returns helpers to call the API as a user.
 */
export async function startChatBackend(options: ChatBackendOptions) {
  const ingestor = new FakeIngestor('docs');
  ingestor.documents = options.documents ?? [];
  const permissions = options.permissions ?? new RecordingPermissions();
  const module = createBackendModule({
    pluginId: 'ai-assistant',
    moduleId: 'test-setup',
    register(env) {
      env.registerInit({
        deps: {
          embeddings: aiAssistantEmbeddingsProviderExtensionPoint,
          ingestors: aiAssistantIngestorExtensionPoint,
          models: aiAssistantModelProviderExtensionPoint,
          tools: aiAssistantToolExtensionPoint,
        },
        async init(ext) {
          ext.embeddings.setEmbeddingsProvider(countingEmbeddingsProvider());
          ext.ingestors.addIngestor(ingestor);
          if (options.models) {
            const models = options.models;
            ext.models.addModelProvider({
              id: 'scripted',
              getModels: async () => models,
            });
          }
          ext.tools.addTools(...(options.tools ?? []));
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      aiAssistantPlugin,
      module,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            ...options.backendConfig,
            ...(options.cache && { cache: options.cache }),
          },
          aiAssistant: {
            ingestion: {
              schedule: {
                frequency: { hours: 1 },
                timeout: { minutes: 1 },
                initialDelay: { hours: 1 },
              },
            },
            ...options.config,
          },
        },
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.cache ? [cacheServiceFactory] : []),
      ...(options.features ?? []),
    ],
  });
  const { server } = backend;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ai-assistant`;
  const auth = (user: string) => mockCredentials.user.header(user);
  const serviceAuth = () => mockCredentials.service.header();

  if (ingestor.documents.length > 0) {
    await request(server)
      .post('/api/ai-assistant/ingestion/run')
      .set('Authorization', auth('user:default/admin'))
      .expect(202);
    await waitFor(async () => {
      const res = await request(server)
        .get('/api/ai-assistant/ingestion')
        .set('Authorization', auth('user:default/admin'));
      const state = res.body.ingestors?.[0]?.lastRun?.state;
      if (state === 'failed') throw new Error('ingestion failed');
      return state === 'succeeded' ? true : undefined;
    });
  }
  permissions.batches.length = 0;

  /** Posts `body` to `path` as `user` and reads the event stream as it arrives. */
  async function postForEvents(
    path: string,
    body: unknown,
    opts: { user?: string; stopAfterDeltas?: number } = {},
  ): Promise<{ status: number; headers: Headers; events: ReceivedEvent[] }> {
    const controller = new AbortController();
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: auth(opts.user ?? 'user:default/a'),
      },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const events: ReceivedEvent[] = [];
    if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
      events.push({ type: 'http', data: await res.json(), at: Date.now() });
      return { status: res.status, headers: res.headers, events };
    }
    let deltas = 0;
    try {
      for await (const { type, data } of readSseEvents(
        res.body as any as AsyncIterable<Uint8Array>,
      )) {
        events.push({ type, data, at: Date.now() });
        if (type === 'delta' && ++deltas === opts.stopAfterDeltas) {
          controller.abort();
          return { status: res.status, headers: res.headers, events };
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    return { status: res.status, headers: res.headers, events };
  }

  /**
   * Posts a chat message and reads the event stream as it arrives. `stopAfterDeltas` closes
   * the request after that many deltas, like a user pressing stop.
   */
  const chat = (
    body: unknown,
    opts: { user?: string; stopAfterDeltas?: number } = {},
  ) => postForEvents('/chat', body, opts);

  /** Approves or denies a pending action call and reads the continued answer's events. */
  const decide = (
    conversationId: string,
    approvalId: string,
    body: unknown,
    opts: { user?: string } = {},
  ) =>
    postForEvents(
      `/conversations/${conversationId}/approvals/${approvalId}`,
      body,
      opts,
    );

  return {
    server,
    /** The plugin's base URL, e.g. `http://127.0.0.1:1234/api/ai-assistant`. */
    base,
    auth,
    serviceAuth,
    chat,
    decide,
    /** `GET /conversations/:id` as `user`: the stored conversation with its messages. */
    conversation: (id: string, user = 'user:default/a') =>
      request(server)
        .get(`/api/ai-assistant/conversations/${id}`)
        .set('Authorization', auth(user)),
    permissions,
    ingestor,
    // After a client aborts a streamed request, fetch (undici) opens a spare keep-alive
    // connection that never carries a request; the server's graceful close does not count it
    // as idle and waited ~4 s for undici's keep-alive timeout. Tests are over at this point.
    stop: async () => {
      server.closeAllConnections();
      await backend.stop();
    },
  };
}

/**
 * Waits until the user's newest conversation has the given title, i.e. the background title
 * generation of the last answer has finished and nothing writes after the backend stops.
 */
export async function waitForTitle(
  backend: { server: Server; auth: (user: string) => string },
  title: string,
  user = 'user:default/a',
): Promise<void> {
  await waitFor(async () => {
    const res = await request(backend.server)
      .get('/api/ai-assistant/conversations')
      .set('Authorization', backend.auth(user));
    return res.body.conversations?.[0]?.title === title ? true : undefined;
  });
}

/** Polls until the probe returns a value. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
