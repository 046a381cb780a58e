import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { KnowledgeActions } from './KnowledgeActions';

// Same bound as the chat's search tool: enough context for an agent, a bounded cost.
const MAX_LIMIT = 20;

const ENTITY_REF_HELP =
  'A catalog entity the question is about, as kind:namespace/name (e.g. component:default/payments): its knowledge comes first';

/**
 * Registers the assistant's actions with the Actions Registry (and so, through
 * `@backstage/plugin-mcp-actions-backend`, as MCP tools for IDE agents): `search-knowledge`,
 * `ask` and `ingestion-status`. All three are read-only.
 */
export function registerKnowledgeActions(
  registry: ActionsRegistryService,
  actions: KnowledgeActions,
): void {
  registry.register({
    name: 'search-knowledge',
    title: 'Search the AI assistant knowledge',
    description:
      'Searches the documentation, READMEs and catalog knowledge the AI assistant has ingested, ' +
      'with the same hybrid (semantic + keyword) retrieval and the same permission filter as the assistant chat: ' +
      'you get only passages of catalog entities you may read. Returns the best passages with title, URL, section and score.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          query: z
            .string()
            .min(1)
            .max(4000)
            .describe('What to search for, in plain words'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_LIMIT)
            .optional()
            .describe(
              'How many passages to return; default: as many as the chat retrieves for a question',
            ),
          entityRef: z.string().optional().describe(ENTITY_REF_HELP),
        }),
      output: z =>
        z.object({
          results: z.array(
            z.object({
              title: z.string(),
              url: z
                .string()
                .describe('Where to read it, at the passage’s section'),
              section: z
                .string()
                .optional()
                .describe('Heading path, e.g. Installation > Helm'),
              score: z.number().describe('Relevance; higher is better'),
              source: z
                .string()
                .describe('The ingestor it came from, e.g. catalog'),
              documentId: z.string(),
              entityRef: z
                .string()
                .optional()
                .describe('The catalog entity it belongs to'),
              content: z.string().describe('The passage'),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Find how a service is deployed',
        input: { query: 'How is the payments service deployed?', limit: 3 },
        output: {
          results: [
            {
              title: 'payments',
              url: 'https://backstage.example.com/catalog/default/component/payments',
              score: 0.82,
              source: 'catalog',
              documentId: 'component:default/payments',
              entityRef: 'component:default/payments',
              content:
                'payments: Takes card payments and issues refunds. Deployed with Helm to the prod cluster.',
            },
          ],
        },
      },
    ],
    action: async ({ input, credentials }) => ({
      output: await actions.searchKnowledge(input, credentials),
    }),
  });

  registry.register({
    name: 'ask',
    title: 'Ask the AI assistant',
    description:
      'Asks the AI assistant a question and returns its whole answer (not streamed) with the sources it cites: ' +
      '[n] in the answer is the n-th source. Retrieval is permission-filtered for you, as in the chat. ' +
      'The exchange is kept in your assistant conversations in the portal; pass conversationId to ask a follow-up. ' +
      'Needs a user token.',
    attributes: { readOnly: true, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          question: z.string().min(1).describe('The question, in plain words'),
          conversationId: z
            .string()
            .uuid()
            .optional()
            .describe(
              'Continue this conversation (from an earlier ask); leave out to start a new one',
            ),
          entityRef: z.string().optional().describe(ENTITY_REF_HELP),
        }),
      output: z => {
        const source = z.object({
          title: z.string(),
          url: z.string(),
          section: z.string().optional(),
          score: z.number(),
          source: z.string(),
          documentId: z.string(),
          entityRef: z.string().optional(),
          excerpt: z.string().optional(),
        });
        return z.object({
          status: z
            .enum(['complete', 'error', 'awaiting_approval', 'unfinished'])
            .describe(
              'complete: a whole answer; error: see error (the sources are still there); awaiting_approval: the model wants to run an action that the user must approve in the portal',
            ),
          answer: z.string().describe('The answer, in markdown, citing [n]'),
          sources: z.array(source),
          conversationId: z.string().optional(),
          messageId: z.string().optional(),
          error: z.object({ code: z.string(), message: z.string() }).optional(),
          pendingApproval: z.record(z.any()).optional(),
        });
      },
    },
    examples: [
      {
        title: 'Ask who owns a service',
        input: { question: 'Who owns the payments service?' },
        output: {
          status: 'complete',
          answer: 'The payments service is owned by team-a [1].',
          sources: [
            {
              title: 'payments',
              url: 'https://backstage.example.com/catalog/default/component/payments',
              score: 0.82,
              source: 'catalog',
              documentId: 'component:default/payments',
              entityRef: 'component:default/payments',
            },
          ],
          conversationId: '6f1c2b8e-4a53-4a7e-9d0b-2a9e3c1d5f10',
          messageId: '0b7e6d2a-1c3f-4e5a-8b9c-7d6e5f4a3b2c',
        },
      },
    ],
    action: async ({ input, credentials }) => ({
      output: await actions.ask(input, credentials),
    }),
  });

  registry.register({
    name: 'ingestion-status',
    title: 'AI assistant ingestion status',
    description:
      'For AI assistant ingestion admins (the ai-assistant.ingestion.admin permission): per ingestor, the documents and chunks stored and its last run ' +
      '(state, counts, errors), as GET /api/ai-assistant/ingestion returns them. Others are refused.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          ingestors: z.array(
            z
              .object({
                id: z.string(),
                documents: z.number(),
                chunks: z.number(),
                lastRun: z
                  .object({
                    state: z.enum(['running', 'succeeded', 'failed']),
                    startedAt: z.string(),
                    finishedAt: z.string().optional(),
                    error: z.string().optional(),
                  })
                  .passthrough()
                  .optional(),
              })
              .passthrough(),
          ),
        }),
    },
    examples: [
      {
        title: 'Check whether ingestion is healthy',
        input: {},
        output: {
          ingestors: [
            {
              id: 'catalog',
              documents: 120,
              chunks: 310,
              lastRun: {
                state: 'succeeded',
                startedAt: '2026-12-03T08:00:00.000Z',
                finishedAt: '2026-12-03T08:01:12.000Z',
              },
            },
          ],
        },
      },
    ],
    action: async ({ credentials }) => ({
      output: await actions.ingestionStatus(credentials),
    }),
  });
}
