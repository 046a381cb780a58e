import { createHash } from 'node:crypto';
import {
  DEFAULT_NAMESPACE,
  type Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import type { IngestionDocument } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * Characters of an API definition kept in its entity's document.
 *
 * @public
 */
export const MAX_API_DEFINITION_LENGTH = 16000;

const RELATION_PHRASES: Record<string, string> = {
  ownedBy: 'owned by',
  ownerOf: 'owner of',
  partOf: 'part of',
  hasPart: 'has part',
  consumesApi: 'consumes API',
  apiConsumedBy: 'API consumed by',
  providesApi: 'provides API',
  apiProvidedBy: 'API provided by',
  dependsOn: 'depends on',
  dependencyOf: 'dependency of',
  parentOf: 'parent of',
  childOf: 'child of',
  memberOf: 'member of',
  hasMember: 'has member',
};

/**
 * The path of an entity's page in the Backstage app, as the catalog's own routes build it:
 * namespace and kind in lower case.
 *
 * @public
 */
export function entityPageUrl(entity: Entity): string {
  const namespace = (
    entity.metadata.namespace ?? DEFAULT_NAMESPACE
  ).toLocaleLowerCase('en-US');
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind,
  )}/${encodeURIComponent(entity.metadata.name)}`;
}

/**
 * Renders a catalog entity as a markdown document a person would read: a heading, its
 * description, one sentence saying what it is, then tags, links, relations and, for APIs,
 * the definition (cut to {@link MAX_API_DEFINITION_LENGTH} characters).
 *
 * @public
 */
export function entityToDocument(entity: Entity): IngestionDocument {
  const entityRef = stringifyEntityRef(entity);
  const { metadata } = entity;
  const name = displayName(entity);
  const title = `${metadata.title ?? name} (${entity.kind})`;

  const sections: string[] = [`# ${title}`];
  const description = metadata.description?.trim();
  if (description) {
    sections.push(description);
  }
  sections.push(`${summarySentence(entity)} Entity reference: ${entityRef}.`);

  const facts: string[] = [];
  const tags = metadata.tags ?? [];
  if (tags.length > 0) {
    facts.push(`Tags: ${tags.join(', ')}`);
  }
  const links = metadata.links ?? [];
  if (links.length > 0) {
    facts.push(
      `Links:\n${links
        .map(link => `- [${link.title ?? link.url}](${link.url})`)
        .join('\n')}`,
    );
  }
  if (facts.length > 0) {
    sections.push(facts.join('\n\n'));
  }

  const relations = entity.relations ?? [];
  if (relations.length > 0) {
    const lines = relations
      .map(r => `- ${relationPhrase(r.type)} ${r.targetRef}`)
      .sort();
    sections.push(`## Relations\n\n${lines.join('\n')}`);
  }

  const definition = apiDefinition(entity);
  if (definition) {
    sections.push(definition);
  }

  const content = sections.join('\n\n');
  const url = entityPageUrl(entity);
  const documentMetadata = compact({
    kind: entity.kind,
    namespace: metadata.namespace ?? DEFAULT_NAMESPACE,
    name: metadata.name,
    type: stringField(entity, 'type'),
    owner: stringField(entity, 'owner'),
    system: stringField(entity, 'system'),
    lifecycle: stringField(entity, 'lifecycle'),
    tags,
  });
  return {
    id: entityRef,
    title,
    url,
    content,
    markdown: true,
    // The markdown is composed here; the entity page it links to has no such headings.
    sectionAnchors: false,
    entityRef,
    // A hash of what we render (not the etag alone) so a change in rendering also re-ingests.
    version: createHash('sha256')
      .update(JSON.stringify([title, url, content, documentMetadata]))
      .digest('hex')
      .slice(0, 32),
    metadata: documentMetadata,
  };
}

function displayName(entity: Entity): string {
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  return namespace === DEFAULT_NAMESPACE
    ? entity.metadata.name
    : `${namespace}/${entity.metadata.name}`;
}

/** E.g. "payments is a service owned by team-a, part of the commerce system, in production." */
function summarySentence(entity: Entity): string {
  const name = displayName(entity);
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const type = stringField(entity, 'type');
  const owner = stringField(entity, 'owner');
  const system = stringField(entity, 'system');
  const domain = stringField(entity, 'domain');
  const lifecycle = stringField(entity, 'lifecycle');

  if (kind === 'user') {
    return userSentence(entity, name);
  }
  if (kind === 'group') {
    return groupSentence(entity, name, type);
  }

  // Components say what they are by type ("a service"); other kinds add the kind ("an openapi API").
  let noun: string;
  if (kind === 'component' && type) {
    noun = type;
  } else if (kind === 'api') {
    noun = type ? `${type} API` : 'API';
  } else {
    noun = type ? `${type} ${kind}` : kind;
  }
  const parts = [`${name} is ${article(noun)} ${noun}`];
  if (owner) {
    parts.push(` owned by ${owner}`);
  }
  if (system) {
    parts.push(`, part of the ${system} system`);
  } else if (domain) {
    parts.push(`, in the ${domain} domain`);
  }
  if (lifecycle) {
    parts.push(`, in ${lifecycle}`);
  }
  return `${parts.join('')}.`;
}

function userSentence(entity: Entity, name: string): string {
  const profile = (entity.spec?.profile ?? {}) as {
    displayName?: string;
    email?: string;
  };
  const who = [profile.displayName, profile.email].filter(Boolean).join(', ');
  const groups = ((entity.spec?.memberOf as string[] | undefined) ?? []).filter(
    g => typeof g === 'string',
  );
  const member = groups.length > 0 ? `, member of ${groups.join(', ')}` : '';
  return `${name}${who ? ` (${who})` : ''} is a user${member}.`;
}

function groupSentence(
  entity: Entity,
  name: string,
  type: string | undefined,
): string {
  const profile = (entity.spec?.profile ?? {}) as {
    displayName?: string;
    email?: string;
  };
  const who = [profile.displayName, profile.email].filter(Boolean).join(', ');
  const noun = type ? `${type} group` : 'group';
  const parent = stringField(entity, 'parent');
  const members = ((entity.spec?.members as string[] | undefined) ?? []).filter(
    m => typeof m === 'string',
  );
  return [
    `${name}${who ? ` (${who})` : ''} is ${article(noun)} ${noun}`,
    parent ? ` within ${parent}` : '',
    members.length > 0 ? `, with members ${members.join(', ')}` : '',
    '.',
  ].join('');
}

function apiDefinition(entity: Entity): string | undefined {
  const definition = entity.spec?.definition;
  if (
    entity.kind.toLocaleLowerCase('en-US') !== 'api' ||
    typeof definition !== 'string' ||
    !definition.trim()
  ) {
    return undefined;
  }
  const type = stringField(entity, 'type') ?? 'unknown';
  const cut = definition.length > MAX_API_DEFINITION_LENGTH;
  const text = cut
    ? definition.slice(0, MAX_API_DEFINITION_LENGTH)
    : definition;
  const note = cut
    ? `\n\n(Truncated: the first ${MAX_API_DEFINITION_LENGTH} of ${definition.length} characters.)`
    : '';
  const fence = text.includes('```') ? '~~~~' : '```';
  return `## API definition (${type})\n\n${fence}\n${text.trimEnd()}\n${fence}${note}`;
}

function relationPhrase(type: string): string {
  return (
    RELATION_PHRASES[type] ??
    type.replace(/([a-z])([A-Z])/g, '$1 $2').toLocaleLowerCase('en-US')
  );
}

function stringField(entity: Entity, key: string): string | undefined {
  const value = entity.spec?.[key];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) && !/^(user|uni|eu)/i.test(noun) ? 'an' : 'a';
}

function compact(object: Record<string, unknown>): JsonObject {
  return Object.fromEntries(
    Object.entries(object).filter(([, v]) => v !== undefined),
  ) as JsonObject;
}
