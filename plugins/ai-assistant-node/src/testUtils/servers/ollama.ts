import { ServerResponse, STATUS_CODES } from 'node:http';
import {
  bagOfWordsVector,
  fnv1a,
  type RecordedRequestBase,
  sendJson,
  startLoopbackServer,
  watchClientGone,
  words,
} from './loopbackServer';

/**
 * Options of {@link startOllamaTestServer}.
 *
 * @public
 */
export interface OllamaTestServerOptions {
  /** Length of the vectors `/api/embed` returns unless a request asks for `dimensions`. Default: 768. */
  embeddingDimensions?: number;
  /**
   * Models the server has "pulled": `/api/tags` lists them and requests for any other model get
   * Ollama's 404 "model not found". When left out, every model is accepted and `/api/tags` lists
   * the models asked for so far.
   */
  models?: string[];
  /**
   * When set, every request must carry `Authorization: Bearer <apiKey>`, as an authenticating
   * proxy in front of Ollama would demand; others get a 401.
   */
  apiKey?: string;
  /** Path the API is served under, e.g. `/ollama` as behind Open WebUI. Default: none. */
  basePath?: string;
}

/**
 * One request the server received, in arrival order, including those it failed on purpose.
 *
 * @public
 */
export interface RecordedOllamaRequest extends RecordedRequestBase {
  /** Path without the `basePath`, e.g. `/api/chat`. */
  path: string;
}

/**
 * The next answer of `/api/chat`.
 *
 * @public
 */
export interface ScriptedOllamaChatReply {
  /** Text the model "says". Streamed word by word, one NDJSON line per word. */
  text?: string;
  /** Tools the model "calls", sent after the text in one line as Ollama does. */
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  /**
   * Ends the streamed answer, after the text, with Ollama's `{"error": ...}` line instead of the
   * final `done` line, as when the model runner crashes mid-answer.
   */
  error?: string;
  /** Pause before each streamed line, to observe incremental delivery. Default: 0. */
  delayMsPerToken?: number;
  /**
   * `false` leaves the token counts (`prompt_eval_count`, `eval_count`) out of the last line,
   * as Ollama does for a prompt it had cached and some proxies in front of it do always.
   * Default: true.
   */
  reportUsage?: boolean;
}

/**
 * A running {@link startOllamaTestServer}.
 *
 * @public
 */
export interface OllamaTestServer {
  /** Where the API is, e.g. `http://127.0.0.1:43123`; use it as the config's `baseUrl`. */
  baseUrl: string;
  /** Every request received so far. Set its `length` to 0 to forget them. */
  requests: RecordedOllamaRequest[];
  /**
   * Scripts the next `/api/chat` answer; several calls queue up. Without a script the model
   * answers `You said: <last user message>`.
   */
  scriptChat(reply: ScriptedOllamaChatReply): void;
  /**
   * Fails the next `times` requests (default 1), whatever their path, with `status`, the given
   * headers (e.g. `{ 'Retry-After': '1' }`) and an Ollama-style `{"error": ...}` body.
   */
  failNext(
    status: number,
    headers?: Record<string, string>,
    times?: number,
  ): void;
  /** Stops the server, cutting open connections. */
  close(): Promise<void>;
}

/**
 * Starts a loopback model server that speaks Ollama's HTTP API, for tests of anything that talks
 * to Ollama: `/api/chat` (streamed NDJSON or one JSON, with tool calls), `/api/embed`
 * (deterministic bag-of-words vectors, so texts sharing words are close), `/api/tags`,
 * `/api/version` and `/`. It records every request, can be scripted and can fail on demand. It
 * listens on 127.0.0.1 on a free port and uses only `node:http`.
 *
 * @example
 * ```ts
 * const ollama = await startOllamaTestServer();
 * ollama.scriptChat({ text: 'Hello there', toolCalls: [{ name: 'search', arguments: { q: 'x' } }] });
 * // ... point the client at ollama.baseUrl, then:
 * expect(ollama.requests[0].path).toBe('/api/chat');
 * await ollama.close();
 * ```
 *
 * @public
 */
export async function startOllamaTestServer(
  options: OllamaTestServerOptions = {},
): Promise<OllamaTestServer> {
  const dimensions = options.embeddingDimensions ?? 768;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const pulled = options.models?.map(modelName);
  const seen = new Set<string>();
  const replies: ScriptedOllamaChatReply[] = [];

  const server = await startLoopbackServer<RecordedOllamaRequest>({
    record: (base, url) => ({
      ...base,
      path: url.pathname.startsWith(basePath)
        ? url.pathname.slice(basePath.length) || '/'
        : url.pathname,
    }),
    fail: (res, status, headers) =>
      sendError(
        res,
        status,
        (STATUS_CODES[status] ?? 'error').toLowerCase(),
        headers,
      ),
    handle: async (req, res, recorded, { invalidJson }) => {
      if (
        options.apiKey &&
        req.headers.authorization !== `Bearer ${options.apiKey}`
      ) {
        sendError(res, 401, 'unauthorized');
        return;
      }
      if (invalidJson) {
        sendError(res, 400, 'invalid character in request body');
        return;
      }

      const route = `${recorded.method} ${recorded.path}`;
      if (route === 'GET /' || route === 'HEAD /') {
        res
          .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
          .end('Ollama is running');
      } else if (route === 'GET /api/version') {
        sendJson(res, { version: '0.12.0' });
      } else if (route === 'GET /api/tags') {
        sendJson(res, { models: (pulled ?? [...seen]).map(describeModel) });
      } else if (route === 'POST /api/embed' || route === 'POST /api/chat') {
        const model = recorded.body?.model;
        if (typeof model !== 'string' || model === '') {
          sendError(res, 400, 'model is required');
        } else if (pulled && !pulled.includes(modelName(model))) {
          sendError(
            res,
            404,
            `model "${model}" not found, try pulling it first`,
          );
        } else {
          seen.add(modelName(model));
          if (recorded.path === '/api/embed') {
            embed(res, recorded.body, dimensions);
          } else {
            await chat(res, recorded, replies.shift());
          }
        }
      } else {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('404 page not found');
      }
    },
  });

  return {
    baseUrl: `${server.origin}${basePath}`,
    requests: server.requests,
    scriptChat(reply) {
      replies.push(reply);
    },
    failNext: server.failNext,
    close: server.close,
  };
}

function embed(res: ServerResponse, body: any, defaultDimensions: number) {
  // As Ollama does, a single empty string embeds nothing.
  const inputs: unknown[] = Array.isArray(body.input)
    ? body.input
    : [body.input].filter(Boolean);
  const dimensions =
    typeof body.dimensions === 'number' ? body.dimensions : defaultDimensions;
  const texts = inputs.map(input => String(input));
  sendJson(res, {
    model: body.model,
    embeddings: texts.map(text => bagOfWordsVector(text, dimensions)),
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: texts.reduce((sum, text) => sum + words(text).length, 0),
  });
}

async function chat(
  res: ServerResponse,
  recorded: RecordedOllamaRequest,
  scripted: ScriptedOllamaChatReply | undefined,
) {
  const { model, messages = [], stream = true } = recorded.body;
  const reply = scripted ?? { text: `You said: ${lastUserMessage(messages)}` };
  const tokens = (reply.text ?? '').split(/(?<=\s)(?=\S)/).filter(Boolean);
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: `call_${index}_${call.name}`,
    function: { index, name: call.name, arguments: call.arguments },
  }));
  const promptEvalCount = messages.reduce(
    (sum: number, m: { content?: unknown }) =>
      sum + words(String(m.content ?? '')).length,
    0,
  );
  const final = {
    model,
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content: '' },
    done_reason: 'stop',
    done: true,
    total_duration: 2_000_000,
    load_duration: 100_000,
    ...(reply.reportUsage !== false && {
      prompt_eval_count: promptEvalCount,
      prompt_eval_duration: 500_000,
      eval_count: tokens.length + toolCalls.length,
      eval_duration: 1_000_000,
    }),
  };

  if (stream === false) {
    if (reply.error) {
      sendError(res, 500, reply.error);
      return;
    }
    sendJson(res, {
      ...final,
      message: {
        role: 'assistant',
        content: reply.text ?? '',
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      },
    });
    return;
  }

  const closed = watchClientGone(res, recorded);
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const lines: object[] = tokens.map(token => ({
    model,
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content: token },
    done: false,
  }));
  if (toolCalls.length) {
    lines.push({
      model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: '', tool_calls: toolCalls },
      done: false,
    });
  }
  lines.push(reply.error ? { error: reply.error } : final);
  for (const line of lines) {
    if (reply.delayMsPerToken) {
      await new Promise(resolve => setTimeout(resolve, reply.delayMsPerToken));
    }
    if (closed()) {
      return;
    }
    res.write(`${JSON.stringify(line)}\n`);
  }
  res.end();
}

function lastUserMessage(
  messages: Array<{ role?: string; content?: unknown }>,
): string {
  const last = [...messages].reverse().find(m => m.role === 'user');
  return String(last?.content ?? '');
}

function modelName(model: string): string {
  return model.includes(':') ? model : `${model}:latest`;
}

function describeModel(name: string) {
  return {
    name,
    model: name,
    modified_at: '2025-01-01T00:00:00Z',
    size: 4_661_224_676,
    digest: fnv1a(name, 0x811c9dc5).toString(16).padStart(64, '0'),
    details: {
      parent_model: '',
      format: 'gguf',
      family: name.split(/[.:\d]/)[0],
      families: [name.split(/[.:\d]/)[0]],
      parameter_size: '8.0B',
      quantization_level: 'Q4_K_M',
    },
  };
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(res, { error: message }, status, headers);
}
