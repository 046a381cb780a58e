import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { z } from 'zod';
import type { Retriever } from '../Retriever';

const schema = z.object({
  query: z.string().min(1).describe('What to search for, in plain words'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('How many passages to return (default 5)'),
});

/**
 * Lets the model search the knowledge base again with its own query, e.g. for a follow-up
 * detail; results pass the same permission filter as the first retrieval.
 */
export function createKnowledgeSearchTool(
  retriever: Retriever,
): AiAssistantTool<typeof schema> {
  return {
    name: 'search_knowledge',
    description:
      'Searches the ingested documentation, READMEs and catalog of this developer portal. Returns passages with their title and URL.',
    schema,
    async invoke(input, { credentials }) {
      const chunks = await retriever.retrieve(
        input.query,
        credentials,
        input.limit ?? 5,
      );
      return chunks.map(chunk => ({
        title: chunk.title,
        url: chunk.url,
        entityRef: chunk.entityRef ?? null,
        content: chunk.content,
      }));
    },
  };
}
