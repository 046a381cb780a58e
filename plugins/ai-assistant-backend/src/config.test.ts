import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readAiAssistantConfig } from './config';

const read = (aiAssistant: JsonObject) =>
  readAiAssistantConfig(new ConfigReader({ aiAssistant }));

describe('readAiAssistantConfig', () => {
  it('runs with no aiAssistant block at all, on the documented defaults', () => {
    const settings = readAiAssistantConfig(new ConfigReader({}));

    expect(settings.identity).toMatch(/^You are the AI assistant/);
    expect(settings.chunking).toEqual({ chunkSize: 500, chunkOverlap: 50 });
    expect(settings.retrieval).toEqual({
      amount: 10,
      vectorWeight: 0.5,
      textWeight: 1,
      textSearchConfig: 'english',
    });
    expect(settings.chat).toEqual({
      maxMessageLength: 8000,
      maxConversationMessages: 200,
      historyTokenBudget: 4000,
      dailyTokenBudget: undefined,
      firstTokenTimeoutSeconds: 60,
      circuitBreaker: { failureThreshold: 3, cooldownSeconds: 60 },
      rateLimit: { requests: 60, windowMs: 60_000 },
      tools: {
        allowMutating: false,
        enabledMutatingTools: [],
        maxSteps: 4,
        maxCallsPerRound: 5,
        maxCallsPerAnswer: 10,
      },
    });
    expect(settings.actionTools).toEqual([]);
    // Conversations are kept until a retention is configured.
    expect(settings.conversationRetentionMs).toBeUndefined();
    expect(settings.readReplica).toBeUndefined();
    expect(settings.ingestion.schedule.frequency).toEqual({ days: 1 });
    expect(settings.ingestion.batchSize).toBe(100);
  });

  it('reads what an admin sets, with durations in either form and the overlap following the chunk size', () => {
    const settings = read({
      prompt: { identity: 'You are the Acme portal assistant.' },
      storage: {
        pgVector: { chunkSize: 1000, hybrid: { textSearchConfig: 'german' } },
        readReplica: { connection: 'postgresql://reader@replica:5432/db' },
      },
      chat: {
        dailyTokenBudget: 50_000,
        rateLimit: { requests: 5, window: { seconds: 30 } },
      },
      conversations: { retention: 'P90D', maxMessages: 2 },
      actions: { tools: ['catalog:register-entity'] },
      ingestion: {
        schedule: { frequency: { hours: 6 }, timeout: { hours: 1 } },
      },
    });

    expect(settings.identity).toBe('You are the Acme portal assistant.');
    expect(settings.chunking).toEqual({ chunkSize: 1000, chunkOverlap: 100 });
    expect(settings.retrieval.textSearchConfig).toBe('german');
    expect(settings.readReplica).toBe('postgresql://reader@replica:5432/db');
    expect(settings.chat.dailyTokenBudget).toBe(50_000);
    expect(settings.chat.rateLimit).toEqual({ requests: 5, windowMs: 30_000 });
    expect(settings.chat.maxConversationMessages).toBe(2);
    expect(settings.conversationRetentionMs).toBe(90 * 24 * 3600 * 1000);
    expect(settings.actionTools).toEqual(['catalog:register-entity']);
    expect(settings.ingestion.schedule.frequency).toEqual({ hours: 6 });
  });

  it.each<[string, JsonObject, RegExp]>([
    [
      'a zero message length',
      { chat: { maxMessageLength: 0 } },
      /aiAssistant\.chat\.maxMessageLength: expected a positive integer, got 0/,
    ],
    [
      'a fractional step count',
      { tools: { maxSteps: 1.5 } },
      /aiAssistant\.tools\.maxSteps: expected a positive integer, got 1\.5/,
    ],
    [
      'a negative circuit-breaker threshold',
      { chat: { circuitBreaker: { failureThreshold: -1 } } },
      /aiAssistant\.chat\.circuitBreaker\.failureThreshold/,
    ],
    [
      'a daily token budget of zero',
      { chat: { dailyTokenBudget: 0 } },
      /aiAssistant\.chat\.dailyTokenBudget: expected a positive integer/,
    ],
    [
      'a conversation cap below one exchange',
      { conversations: { maxMessages: 1 } },
      /aiAssistant\.conversations\.maxMessages: expected at least 2/,
    ],
    [
      'an overlap as long as the chunk',
      { storage: { pgVector: { chunkSize: 100, chunkOverlap: 100 } } },
      /aiAssistant\.storage\.pgVector\.chunkOverlap: .*below chunkSize \(100\), got 100/,
    ],
    [
      'a negative search weight',
      { storage: { pgVector: { hybrid: { textWeight: -0.5 } } } },
      /aiAssistant\.storage\.pgVector\.hybrid\.textWeight: expected a number >= 0/,
    ],
    [
      'a text search configuration that is not a name',
      {
        storage: {
          pgVector: { hybrid: { textSearchConfig: "english'; drop table x" } },
        },
      },
      /aiAssistant\.storage\.pgVector\.hybrid\.textSearchConfig: expected the name of a PostgreSQL text search configuration/,
    ],
    [
      'an empty read-replica connection',
      { storage: { readReplica: { connection: '' } } },
      /aiAssistant\.storage\.readReplica\.connection: expected a PostgreSQL connection string/,
    ],
    [
      'a zero retention',
      { conversations: { retention: { days: 0 } } },
      /aiAssistant\.conversations\.retention: expected a positive duration/,
    ],
    [
      'an action that is not a registry id',
      { actions: { tools: ['register-entity'] } },
      /aiAssistant\.actions\.tools: .*got 'register-entity'/,
    ],
    [
      'a message length that is not a number',
      { chat: { maxMessageLength: 'lots' } },
      /aiAssistant\.chat\.maxMessageLength/,
    ],
  ])('refuses %s at startup, naming the key', (_, aiAssistant, message) => {
    expect(() => read(aiAssistant)).toThrow(message);
  });
});
