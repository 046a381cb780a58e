import type { Knex } from 'knex';
import { doc } from './fakes';
import type {
  KnowledgeDatabaseId,
  knowledgeTestDatabases,
} from './knowledgeDatabases';
import { isTitleRequest, ScriptedChatModel } from './ScriptedChatModel';

/** Two documents about deploying and on-call, for questions that should find sources. */
export const deployDocuments = [
  doc('argo', 'Deployments use Argo CD. Every service deploys through Argo.', {
    title: 'Deploying',
  }),
  doc('oncall', 'The on-call rotation is managed in PagerDuty.', {
    title: 'On-call',
  }),
];

/** A model that answers every question with `tokens` and titles it "Deploying with Argo". */
export function answering(tokens: string[], delayMs = 0) {
  return new ScriptedChatModel(messages =>
    isTitleRequest(messages)
      ? { tokens: ['Deploying with Argo'] }
      : { tokens, delayMs },
  );
}

/** A fresh Postgres database for `id`, or none so the backend uses its embedded one. */
export async function knexFor(
  databases: ReturnType<typeof knowledgeTestDatabases>,
  id: KnowledgeDatabaseId,
): Promise<Knex | undefined> {
  return id === 'POSTGRES_15' ? databases.init(id) : undefined;
}
