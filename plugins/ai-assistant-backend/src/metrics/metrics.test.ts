import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { z } from 'zod';
import { startChatBackend } from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(120_000);

/** One sample line of the Prometheus text format. */
interface Sample {
  name: string;
  labels: string;
  value: number;
}

function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter(line => line && !line.startsWith('#'))
    .map(line => {
      const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)/.exec(line);
      return {
        name: match?.[1] ?? '',
        labels: match?.[2] ?? '',
        value: Number(match?.[3]),
      };
    });
}

describe('metrics', () => {
  let exporter: PrometheusExporter;
  let provider: MeterProvider;
  let server: Server;
  let metricsUrl: string;

  beforeAll(async () => {
    // What packages/backend/src/instrumentation.js does, with the exporter's handler served
    // on a free loopback port instead of 9464.
    exporter = new PrometheusExporter({ preventServerStart: true });
    provider = new MeterProvider({ readers: [exporter] });
    metrics.setGlobalMeterProvider(provider);
    server = createServer((req, res) =>
      exporter.getMetricsRequestHandler(req, res),
    );
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
    await provider.shutdown();
  });

  it('exposes every listed metric with a non-zero value after an ingestion run and a chat', async () => {
    // The first model is down, so the second answers: a provider error, then tokens.
    const down = new ScriptedChatModel(() => ({
      failBeforeFirstToken: new Error('connect ECONNREFUSED 127.0.0.1:1'),
    }));
    const up = new ScriptedChatModel((messages, call) => {
      if (isTitleRequest(messages)) return { tokens: ['Argo deployments'] };
      return call === 0
        ? { toolCalls: [{ name: 'echo', args: { text: 'argo' } }] }
        : {
            tokens: ['Services ', 'deploy ', 'with ', 'Argo CD [1].'],
            usage: { input_tokens: 120, output_tokens: 9, total_tokens: 129 },
          };
    });
    const backend = await startChatBackend({
      models: [
        scriptedModel('scripted/down', down),
        scriptedModel('scripted/up', up),
      ],
      documents: [
        doc(
          'argo',
          'Deployments use Argo CD. Every service deploys through Argo.',
        ),
        doc('oncall', 'The on-call rotation is managed in PagerDuty.'),
        // Not a valid document: counted as an ingestion error, the run goes on.
        { id: 'broken', title: 'Broken', url: 'x' } as any,
      ],
      tools: [
        {
          name: 'echo',
          description: 'Repeats its input',
          schema: z.object({ text: z.string() }),
          invoke: async ({ text }) => ({ text }),
        },
      ],
      features: [metricsServiceFactory],
    });

    const { events } = await backend.chat({
      message: 'How do services deploy with Argo?',
    });
    expect(events.map(e => e.type)).toContain('done');
    await request(backend.server)
      .get('/api/ai-assistant/conversations')
      .set('Authorization', backend.auth('user:default/a'))
      .expect(200);

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    const samples = parseSamples(await res.text());
    await backend.stop();

    const valueOf = (name: string, labels: RegExp = /.*/) =>
      samples
        .filter(s => s.name === name && labels.test(s.labels))
        .reduce((sum, s) => sum + s.value, 0);

    const expected: Array<[string, RegExp?]> = [
      // request rate and latency, per route and status
      ['ai_assistant_http_requests_total', /route="\/chat".*status="200"/],
      ['ai_assistant_http_requests_total', /route="\/conversations"/],
      ['ai_assistant_http_request_duration_seconds_count', /route="\/chat"/],
      ['ai_assistant_http_request_duration_seconds_sum', /route="\/chat"/],
      // time to first token
      [
        'ai_assistant_chat_time_to_first_token_seconds_count',
        /model="scripted\/up"/,
      ],
      // tokens in and out
      ['ai_assistant_chat_tokens_total', /type="input"/],
      ['ai_assistant_chat_tokens_total', /type="output"/],
      // embedding and search time
      [
        'ai_assistant_embeddings_duration_seconds_count',
        /operation="documents"/,
      ],
      ['ai_assistant_embeddings_duration_seconds_count', /operation="query"/],
      ['ai_assistant_search_duration_seconds_count'],
      ['ai_assistant_search_duration_seconds_sum'],
      // ingestion documents, chunks, errors and duration
      ['ai_assistant_ingestion_documents_total', /ingestor="docs"/],
      ['ai_assistant_ingestion_chunks_total', /outcome="embedded"/],
      ['ai_assistant_ingestion_errors_total', /ingestor="docs"/],
      ['ai_assistant_ingestion_duration_seconds_count', /state="succeeded"/],
      // conversations created
      ['ai_assistant_conversations_created_total'],
      // errors by provider
      [
        'ai_assistant_provider_errors_total',
        /kind="model".*provider="scripted\/down"/,
      ],
      // database query performance
      ['ai_assistant_db_query_duration_seconds_count', /outcome="ok"/],
    ];
    const missing = expected.filter(
      ([name, labels]) => !(valueOf(name, labels) > 0),
    );
    expect(missing).toEqual([]);
    expect(valueOf('ai_assistant_chat_tokens_total', /type="input"/)).toBe(120);
    expect(valueOf('ai_assistant_ingestion_documents_total')).toBe(2);
    expect(valueOf('ai_assistant_conversations_created_total')).toBe(1);
    // Route patterns, never raw ids, label the requests.
    expect(
      samples.some(
        s =>
          s.name === 'ai_assistant_http_requests_total' &&
          /[0-9a-f]{8}-/.test(s.labels),
      ),
    ).toBe(false);
  });

  it('records token usage as gen_ai.client.token.usage and counts the chats the daily token budget refuses', async () => {
    const model = new ScriptedChatModel(messages =>
      isTitleRequest(messages)
        ? { tokens: ['Budget'] }
        : {
            tokens: ['Deploy ', 'with ', 'Argo.'],
            usage: { input_tokens: 300, output_tokens: 7, total_tokens: 307 },
          },
    );
    const backend = await startChatBackend({
      models: [scriptedModel('budgeted/gpt-test', model)],
      config: { chat: { dailyTokenBudget: 100 } },
      features: [metricsServiceFactory],
    });

    const first = await backend.chat({ message: 'How do I deploy?' });
    expect(first.events.at(-1)?.type).toBe('done');
    const refused = await backend.chat({ message: 'And again?' });
    expect(refused.events.at(-1)?.data.code).toBe('budget_exceeded');
    await backend.chat({ message: 'Once more?' });

    const samples = parseSamples(await (await fetch(metricsUrl)).text());
    await backend.stop();
    const valueOf = (name: string, labels: RegExp) =>
      samples
        .filter(s => s.name === name && labels.test(s.labels))
        .reduce((sum, s) => sum + s.value, 0);
    const model_ =
      /gen_ai_operation_name="chat".*gen_ai_provider_name="budgeted".*gen_ai_request_model="gpt-test"/;
    const ofType = (type: string) =>
      new RegExp(`${model_.source}.*gen_ai_token_type="${type}"`);
    expect(valueOf('gen_ai_client_token_usage_sum', ofType('input'))).toBe(300);
    expect(valueOf('gen_ai_client_token_usage_sum', ofType('output'))).toBe(7);
    // One answer, so one observation of each type.
    expect(valueOf('gen_ai_client_token_usage_count', ofType('input'))).toBe(1);
    expect(valueOf('ai_assistant_chat_budget_refusals_total', /.*/)).toBe(2);
  });
});
