import type { IncomingMessage, ServerResponse } from 'node:http';
import { completeChat } from './azureOpenAiChat';
import { defaultDimensions, embed } from './azureOpenAiEmbeddings';
import { sendError, sendContentFiltered } from './azureOpenAiErrors';
import {
  type RecordedRequestBase,
  sendJson,
  startLoopbackServer,
} from './loopbackServer';

/**
 * Options of {@link startAzureOpenAiTestServer}.
 *
 * @public
 */
export interface AzureOpenAiTestServerOptions {
  /**
   * Length of the vectors `/embeddings` returns unless a request asks for `dimensions`: one
   * number for every deployment, or one per deployment name. Default: 3072 for deployments whose
   * name contains `large`, else 1536, as `text-embedding-3-large` and `-small` / `ada-002` do.
   */
  dimensions?: number | Record<string, number>;
  /**
   * Deployments that exist. Requests for any other get Azure's 404 `DeploymentNotFound`. When
   * left out, every deployment exists.
   */
  deployments?: string[];
  /**
   * When set, every request must carry `api-key: <apiKey>` (or `Authorization: Bearer <apiKey>`,
   * which the v1 and inference endpoints also accept); others get Azure's 401.
   */
  apiKey?: string;
  /** Time `/embeddings` takes to answer, as a real provider does. Default: 0. */
  embeddingsLatencyMs?: number;
  /**
   * A rate limit on `/embeddings`: at most `requests` per fixed window of `windowMs` (the first
   * starts with the first request); the others get 429 with `Retry-After` and `retry-after-ms`
   * saying when the next window starts, as Azure's per-minute limits do.
   */
  embeddingsRateLimit?: { requests: number; windowMs: number };
}

/**
 * One request the server received, in arrival order, including those it failed on purpose.
 *
 * @public
 */
export interface RecordedAzureOpenAiRequest extends RecordedRequestBase {
  /** Whether the embeddings rate limit refused the request. */
  rateLimited?: boolean;
  /** Path without the query, e.g. `/openai/deployments/gpt-4o/chat/completions`. */
  path: string;
  /** Query parameters, e.g. `{ 'api-version': '2024-10-21' }`. */
  query: Record<string, string>;
  /** The deployment from the path, or the body's `model` on paths without one. */
  deployment?: string;
}

/**
 * The next answer of a `/chat/completions` request.
 *
 * @public
 */
export interface ScriptedAzureOpenAiChatReply {
  /** Text the model "says". Streamed a word at a time, one SSE event per word. */
  text?: string;
  /** Tools the model "calls"; streamed as a name delta followed by argument fragments. */
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** Pause before each streamed event, to observe incremental delivery. Default: 0. */
  delayMsPerChunk?: number;
  /**
   * Refuse the prompt as Azure's content filter does: HTTP 400 with code `content_filter` and
   * a `ResponsibleAIPolicyViolation` inner error, instead of answering.
   */
  contentFiltered?: boolean;
}

/**
 * A running {@link startAzureOpenAiTestServer}.
 *
 * @public
 */
export interface AzureOpenAiTestServer {
  /**
   * The resource endpoint, e.g. `http://127.0.0.1:43123`; use it where the config says
   * `endpoint`, as `https://<resource>.openai.azure.com` would be.
   */
  endpoint: string;
  /** Every request received so far. Set its `length` to 0 to forget them. */
  requests: RecordedAzureOpenAiRequest[];
  /**
   * Scripts the next chat answer; several calls queue up. Without a script the model answers
   * `You said: <last user message>`.
   */
  scriptChat(reply: ScriptedAzureOpenAiChatReply): void;
  /**
   * Fails the next `times` requests (default 1), whatever their path, with `status`, the given
   * headers (e.g. `{ 'Retry-After': '1' }`) and an Azure-style `{"error": {code, message}}` body.
   */
  failNext(
    status: number,
    headers?: Record<string, string>,
    times?: number,
  ): void;
  /** The most `/embeddings` requests the server was answering at once. */
  maxEmbeddingsInFlight(): number;
  /** Stops the server, cutting open connections. */
  close(): Promise<void>;
}

/**
 * Starts a loopback server that speaks the Azure OpenAI data-plane API, for tests of anything
 * that talks to Azure OpenAI or Azure AI: `POST /openai/deployments/{deployment}/embeddings`
 * (deterministic bag-of-words vectors, as floats or base64 as asked, at most 2048 inputs) and
 * `POST /openai/deployments/{deployment}/chat/completions` (one JSON answer, or SSE `data:`
 * chunks ending in `data: [DONE]` when `stream: true`, with tool call deltas). Those paths need
 * the `api-version` query, as Azure's do. The same `/chat/completions` and `/embeddings` under any
 * other path, such as `/openai/v1` or an Azure AI inference `/models` endpoint, take the deployment
 * from the body's `model`. `GET /openai/models?api-version=...` and `GET <any path>/models` list
 * base models, as Azure's do, for probes that cost no tokens. It records every request, can be scripted and can fail on demand. It
 * listens on 127.0.0.1 on a free port and uses only `node:http`.
 *
 * @example
 * ```ts
 * const azure = await startAzureOpenAiTestServer({ apiKey: 'test-key' });
 * azure.scriptChat({ text: 'Hello there', toolCalls: [{ name: 'search', arguments: { q: 'x' } }] });
 * // ... point the client at azure.endpoint, then:
 * expect(azure.requests[0].path).toBe('/openai/deployments/gpt-4o/chat/completions');
 * await azure.close();
 * ```
 *
 * @public
 */
export async function startAzureOpenAiTestServer(
  options: AzureOpenAiTestServerOptions = {},
): Promise<AzureOpenAiTestServer> {
  const replies: ScriptedAzureOpenAiChatReply[] = [];
  let completions = 0;
  const limit = options.embeddingsRateLimit;
  const window = { start: 0, used: 0 };
  /** Milliseconds until the next window when the limit refuses a request now, else 0. */
  const refuseFor = (): number => {
    if (!limit) return 0;
    const now = Date.now();
    if (now >= window.start + limit.windowMs) {
      window.start = now;
      window.used = 0;
    }
    if (window.used >= limit.requests) {
      return window.start + limit.windowMs - now;
    }
    window.used += 1;
    return 0;
  };
  const embeddingsLoad = { now: 0, max: 0 };

  const server = await startLoopbackServer<RecordedAzureOpenAiRequest>({
    record: (base, url) => ({
      ...base,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    }),
    fail: (res, status, headers) =>
      sendError(res, status, String(status), undefined, headers),
    handle: async (req, res, recorded, { url, invalidJson }) => {
      if (options.apiKey && !hasKey(req, options.apiKey)) {
        sendError(res, 401, '401');
        return;
      }
      if (invalidJson) {
        sendError(
          res,
          400,
          'BadRequest',
          'We could not parse the JSON body of your request.',
        );
        return;
      }

      const route = url.pathname.match(
        /^(?:\/openai\/deployments\/([^/]+))?.*\/(embeddings|chat\/completions)$/,
      );
      if (req.method === 'GET' && url.pathname.endsWith('/models')) {
        listModels(res, url);
        return;
      }
      if (req.method !== 'POST' || !route) {
        sendError(res, 404, '404');
        return;
      }
      const [, pathDeployment, operation] = route;
      const deployment = pathDeployment
        ? decodeURIComponent(pathDeployment)
        : recorded.body?.model;
      recorded.deployment = deployment;
      if (pathDeployment && !url.searchParams.get('api-version')) {
        sendError(res, 404, '404', 'Resource not found');
      } else if (typeof deployment !== 'string' || deployment === '') {
        sendError(res, 400, 'BadRequest', 'model is required');
      } else if (
        options.deployments &&
        !options.deployments.includes(deployment)
      ) {
        sendError(
          res,
          404,
          'DeploymentNotFound',
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
        );
      } else if (operation === 'embeddings') {
        const waitMs = refuseFor();
        if (waitMs > 0) {
          recorded.rateLimited = true;
          sendError(res, 429, '429', undefined, {
            'Retry-After': String(Math.ceil(waitMs / 1000)),
            'retry-after-ms': String(waitMs + 1),
          });
          return;
        }
        embeddingsLoad.now += 1;
        embeddingsLoad.max = Math.max(embeddingsLoad.max, embeddingsLoad.now);
        if (options.embeddingsLatencyMs) {
          await new Promise(resolve =>
            setTimeout(resolve, options.embeddingsLatencyMs),
          );
        }
        embeddingsLoad.now -= 1;
        embed(
          res,
          recorded.body,
          deployment,
          defaultDimensions(options.dimensions, deployment),
        );
      } else {
        completions += 1;
        const reply = replies.shift();
        if (reply?.contentFiltered) {
          sendContentFiltered(res);
          return;
        }
        await completeChat(
          res,
          recorded,
          deployment,
          `chatcmpl-test${completions}`,
          reply,
        );
      }
    },
  });

  return {
    endpoint: server.origin,
    requests: server.requests,
    scriptChat(reply) {
      replies.push(reply);
    },
    failNext: server.failNext,
    maxEmbeddingsInFlight: () => embeddingsLoad.max,
    close: server.close,
  };
}

/**
 * The models the resource may deploy, as `GET /openai/models?api-version=...` and the v1 API's
 * `GET /openai/v1/models` list them: base models, not deployments, so a deployment's name need
 * not be among them.
 */
function listModels(res: ServerResponse, url: URL) {
  if (
    url.pathname === '/openai/models' &&
    !url.searchParams.get('api-version')
  ) {
    sendError(res, 404, '404', 'Resource not found');
    return;
  }
  sendJson(res, {
    object: 'list',
    data: [
      'gpt-4o-2024-11-20',
      'gpt-4o-mini-2024-07-18',
      'text-embedding-3-small',
    ].map(id => ({
      id,
      object: 'model',
      created_at: 1_732_060_800,
      status: 'succeeded',
      lifecycle_status: 'generally-available',
      capabilities: {
        chat_completion: !id.startsWith('text-embedding'),
        embeddings: id.startsWith('text-embedding'),
        inference: true,
        fine_tune: false,
      },
    })),
  });
}

function hasKey(req: IncomingMessage, apiKey: string): boolean {
  return (
    req.headers['api-key'] === apiKey ||
    req.headers.authorization === `Bearer ${apiKey}`
  );
}
