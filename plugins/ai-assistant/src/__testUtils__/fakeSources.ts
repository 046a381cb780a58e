import type {
  SourceRunInfo,
  SourceStatusInfo,
  SourcesResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { http, HttpResponse } from 'msw';
import { BASE_URL } from './apis';

const MODEL = { model: 'ollama/nomic-embed-text', dimensions: 768 };

/** A finished run of `ingestor`; counters as given. */
export function finishedRun(
  ingestor: string,
  overrides: Partial<SourceRunInfo> = {},
): SourceRunInfo {
  return {
    id: `${ingestor}-1`,
    ingestor,
    state: 'succeeded',
    startedAt: '2026-11-24T10:00:00.000Z',
    finishedAt: '2026-11-24T10:00:12.000Z',
    documents: 42,
    documentsUnchanged: 40,
    documentsPruned: 1,
    chunksEmbedded: 9,
    chunksSkipped: 171,
    chunksPruned: 3,
    documentsFailed: 0,
    documentErrors: [],
    reembed: false,
    progress: {
      documentsDone: 42,
      documentsTotal: 42,
      chunksDone: 180,
      chunksTotal: 180,
      percent: 100,
    },
    ...overrides,
  };
}

/** A source with 42 documents and 180 chunks, embedded with the current model. */
export function source(
  id: string,
  overrides: Partial<SourceStatusInfo> = {},
): SourceStatusInfo {
  return {
    id,
    documents: 42,
    chunks: 180,
    lastRun: finishedRun(id),
    lastSucceededAt: '2026-11-24T10:00:12.000Z',
    embeddingModels: [{ ...MODEL, documents: 42, chunks: 180, current: true }],
    ...overrides,
  };
}

/**
 * The Sources routes of a fake backend: `GET /admin/sources` answers what `sources()` returns
 * at that moment; the run and re-index requests are recorded in `requests`.
 */
export function fakeSourcesBackend(
  sources: () => SourceStatusInfo[] = () => [source('catalog')],
) {
  const requests: Array<{ ingestorId: string; action: string }> = [];
  const handlers = [
    http.get(`${BASE_URL}/admin/sources`, () =>
      HttpResponse.json({
        sources: sources(),
        embeddingModel: MODEL,
      } satisfies SourcesResponse),
    ),
    http.post(`${BASE_URL}/admin/sources/:ingestorId/:action`, ({ params }) => {
      requests.push({
        ingestorId: String(params.ingestorId),
        action: String(params.action),
      });
      return HttpResponse.json({ status: 'queued' }, { status: 202 });
    }),
  ];
  return { handlers, requests };
}
