import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bagOfWordsVector,
  type RecordedRequestBase,
  sendJson,
  startLoopbackServer,
  watchClientGone,
  words,
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

/** Azure OpenAI's limit on the number of inputs of one embeddings request. */
const MAX_EMBEDDING_INPUTS = 2048;

const ERROR_MESSAGES: Record<number, string> = {
  400: 'The request is invalid.',
  401: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  403: 'Access denied.',
  404: 'Resource not found',
  408: 'The operation was timeout.',
  429: 'Requests to the Azure OpenAI API have exceeded token rate limit of your current pricing tier. Please retry after 1 second.',
  500: 'The server had an error while processing your request.',
  503: 'The service is temporarily unable to process your request.',
};

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
        await chat(
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

function defaultDimensions(
  option: AzureOpenAiTestServerOptions['dimensions'],
  deployment: string,
) {
  if (typeof option === 'number') return option;
  return option?.[deployment] ?? (deployment.includes('large') ? 3072 : 1536);
}

function embed(
  res: ServerResponse,
  body: any,
  deployment: string,
  defaultDims: number,
) {
  const inputs: unknown[] = Array.isArray(body?.input)
    ? body.input
    : [body?.input];
  if (inputs.length === 0 || inputs.some(input => typeof input !== 'string')) {
    sendError(
      res,
      400,
      'BadRequest',
      "'input' must be a string or a non-empty array of strings.",
    );
    return;
  }
  if (inputs.length > MAX_EMBEDDING_INPUTS) {
    sendError(
      res,
      400,
      'BadRequest',
      `Too many inputs. The max number of inputs is ${MAX_EMBEDDING_INPUTS}.`,
    );
    return;
  }
  const dimensions =
    typeof body.dimensions === 'number' ? body.dimensions : defaultDims;
  const base64 = body.encoding_format === 'base64';
  const tokens = (inputs as string[]).reduce(
    (sum, text) => sum + words(text).length,
    0,
  );
  sendJson(res, {
    object: 'list',
    data: (inputs as string[]).map((text, index) => {
      const vector = bagOfWordsVector(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: base64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
      };
    }),
    model: deployment,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

async function chat(
  res: ServerResponse,
  recorded: RecordedAzureOpenAiRequest,
  deployment: string,
  id: string,
  scripted: ScriptedAzureOpenAiChatReply | undefined,
) {
  const {
    messages = [],
    stream = false,
    stream_options: streamOptions,
  } = recorded.body ?? {};
  const reply = scripted ?? { text: `You said: ${lastUserMessage(messages)}` };
  const text = reply.text ?? '';
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    index,
    id: `call_${index}_${call.name}`,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const finishReason = toolCalls.length ? 'tool_calls' : 'stop';
  const promptTokens = messages.reduce(
    (sum: number, m: { content?: unknown }) =>
      sum + words(JSON.stringify(m.content ?? '')).length,
    0,
  );
  const completionTokens = words(text).length + toolCalls.length;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const created = Math.floor(Date.now() / 1000);
  const model = `${deployment}-2024-11-20`;

  if (!stream) {
    sendJson(res, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: toolCalls.length && !text ? null : text,
            refusal: null,
            ...(toolCalls.length
              ? { tool_calls: toolCalls.map(({ index: _, ...call }) => call) }
              : {}),
          },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage,
    });
    return;
  }

  const closed = watchClientGone(res, recorded);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const chunk = (choices: object[], extra: object = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_test',
    choices,
    ...extra,
  });
  const delta = (d: object, finish: string | null = null) =>
    chunk([{ index: 0, delta: d, finish_reason: finish, logprobs: null }]);

  // Azure sends the prompt's content filter results first, in a chunk without choices.
  const events: object[] = [
    {
      id: '',
      object: '',
      created: 0,
      model: '',
      choices: [],
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    },
    delta({ role: 'assistant', content: '', refusal: null }),
  ];
  for (const token of text.split(/(?<=\s)(?=\S)/).filter(Boolean)) {
    events.push(delta({ content: token }));
  }
  for (const call of toolCalls) {
    events.push(
      delta({
        tool_calls: [
          {
            index: call.index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of splitInThree(call.function.arguments)) {
      events.push(
        delta({
          tool_calls: [{ index: call.index, function: { arguments: piece } }],
        }),
      );
    }
  }
  events.push(delta({}, finishReason));
  if (streamOptions?.include_usage) {
    events.push(chunk([], { usage }));
  }
  for (const event of events) {
    if (reply.delayMsPerChunk) {
      await new Promise(resolve => setTimeout(resolve, reply.delayMsPerChunk));
    }
    if (closed()) {
      return;
    }
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

function splitInThree(text: string): string[] {
  const third = Math.ceil(text.length / 3);
  return [
    text.slice(0, third),
    text.slice(third, 2 * third),
    text.slice(2 * third),
  ].filter(Boolean);
}

function lastUserMessage(
  messages: Array<{ role?: string; content?: unknown }>,
): string {
  const last = [...messages].reverse().find(m => m.role === 'user');
  return typeof last?.content === 'string'
    ? last.content
    : JSON.stringify(last?.content ?? '');
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message = ERROR_MESSAGES[status] ?? 'The request failed.',
  headers: Record<string, string> = {},
) {
  sendJson(res, { error: { code, message } }, status, headers);
}

/** Azure's answer to a prompt its content filter blocks: the caller's text, not an outage. */
function sendContentFiltered(res: ServerResponse) {
  sendJson(
    res,
    {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: {
            hate: { filtered: false, severity: 'safe' },
            self_harm: { filtered: false, severity: 'safe' },
            sexual: { filtered: false, severity: 'safe' },
            violence: { filtered: true, severity: 'medium' },
          },
        },
      },
    },
    400,
  );
}
