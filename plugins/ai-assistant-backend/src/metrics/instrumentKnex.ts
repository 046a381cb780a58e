import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { AiAssistantMetrics } from './AiAssistantMetrics';

interface QueryEvent {
  __knexQueryUid?: string;
  sql?: string;
}

/**
 * Times every query of a knowledge store connection and logs failed ones. The log line
 * carries the statement's first words and the error message, never the bindings: they hold
 * document text and user questions, and a connection error never contains the password
 * (pg leaves it out of its messages).
 */
export function instrumentKnex(
  knex: Knex,
  options: {
    logger: LoggerService;
    metrics: AiAssistantMetrics;
    /** Which connection this is, for the logs: `primary` or `read-replica`. */
    role: string;
  },
): void {
  const { logger, metrics, role } = options;
  const started = new Map<string, number>();
  const finish = (query: QueryEvent, outcome: 'ok' | 'error') => {
    const uid = query.__knexQueryUid;
    const start = uid ? started.get(uid) : undefined;
    if (uid && start !== undefined) {
      started.delete(uid);
      metrics.databaseQuery((performance.now() - start) / 1000, outcome);
    }
  };
  knex.on('query', (query: QueryEvent) => {
    if (query.__knexQueryUid) {
      started.set(query.__knexQueryUid, performance.now());
    }
  });
  knex.on('query-response', (_response: unknown, query: QueryEvent) =>
    finish(query, 'ok'),
  );
  knex.on('query-error', (error: Error, query: QueryEvent) => {
    finish(query, 'error');
    logger.error('AI assistant database query failed', {
      connection: role,
      statement: statementOf(query.sql),
      error: error?.message ?? String(error),
    });
  });
}

// `SELECT ... FROM embeddings` is enough to tell which query failed.
function statementOf(sql?: string): string {
  return (sql ?? '').replace(/\s+/g, ' ').trim().slice(0, 120);
}
