import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { z } from 'zod';

const schema = z.object({
  entityRef: z
    .string()
    .min(1)
    .describe('Entity reference, e.g. component:default/payments'),
});

/**
 * Lets the model read one catalog entity (owner, lifecycle, relations...) as the asking user,
 * so the catalog's own permissions decide what it sees.
 */
export function createCatalogLookupTool(
  catalog: CatalogService,
): AiAssistantTool<typeof schema> {
  return {
    name: 'lookup_catalog_entity',
    description:
      'Reads one entity of the software catalog by its reference (kind:namespace/name) and returns its metadata, spec and relations.',
    schema,
    async invoke(input, { credentials }) {
      const entity = await catalog.getEntityByRef(input.entityRef, {
        credentials,
      });
      if (!entity) {
        return { error: `No entity ${input.entityRef} in the catalog` };
      }
      return {
        kind: entity.kind,
        metadata: {
          name: entity.metadata.name,
          namespace: entity.metadata.namespace ?? 'default',
          title: entity.metadata.title ?? null,
          description: entity.metadata.description ?? null,
          tags: entity.metadata.tags ?? [],
          links: (entity.metadata.links ?? []).map(l => ({
            url: l.url,
            title: l.title ?? null,
          })),
        },
        spec: (entity.spec ?? {}) as any,
        relations: (entity.relations ?? []).map(r => ({
          type: r.type,
          targetRef: r.targetRef,
        })),
      };
    },
  };
}
