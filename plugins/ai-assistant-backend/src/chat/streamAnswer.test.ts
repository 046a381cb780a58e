import { mockCredentials } from '@backstage/backend-test-utils';
import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { type BaseMessage, HumanMessage } from '@langchain/core/messages';
import { z } from 'zod';
import {
  type ScriptedReply,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import {
  type AnswerProgress,
  FailedBeforeFirstTokenError,
  streamAnswer,
} from './streamAnswer';

const usage = (input: number, output: number) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
});

const lookupTool: AiAssistantTool = {
  name: 'lookup_service',
  description: 'Looks up a service',
  schema: z.object({ name: z.string() }),
  invoke: async ({ name }) => ({ owner: `team-${name}` }),
};

/** The result the model was given for each tool call, in order. */
const toolResults = (messages: BaseMessage[]) =>
  messages
    .filter(m => m.getType() === 'tool')
    .map(m => JSON.parse(String(m.content)));

/** Streams one answer from a scripted model, as the chat does for one candidate. */
async function run(
  script: (messages: BaseMessage[], call: number) => ScriptedReply,
  options: {
    tools?: AiAssistantTool[];
    maxSteps?: number;
    firstTokenTimeoutMs?: number;
  } = {},
) {
  const chatModel = new ScriptedChatModel(script);
  const events: ChatStreamEvent[] = [];
  const progress: AnswerProgress = { text: '', toolCalls: [], started: false };
  const firstTokens: number[] = [];
  const answer = streamAnswer({
    model: scriptedModel('scripted/model', chatModel),
    messages: [new HumanMessage('Who owns payments?')],
    tools: options.tools ?? [],
    maxSteps: options.maxSteps ?? 4,
    firstTokenTimeoutMs: options.firstTokenTimeoutMs ?? 60_000,
    credentials: mockCredentials.user(),
    sink: { send: event => events.push(event) },
    signal: new AbortController().signal,
    progress,
    onFirstToken: () => firstTokens.push(events.length),
  });
  return { answer, chatModel, events, progress, firstTokens };
}

describe('streamAnswer', () => {
  it('streams the text as it comes and keeps the whole answer and its tokens', async () => {
    const { answer, events, progress, firstTokens } = await run(() => ({
      tokens: ['Payments ', 'is owned ', 'by team-pay.'],
      usage: usage(120, 9),
    }));

    expect(await answer).toBeUndefined();
    expect(events).toEqual([
      { type: 'delta', data: { text: 'Payments ' } },
      { type: 'delta', data: { text: 'is owned ' } },
      { type: 'delta', data: { text: 'by team-pay.' } },
    ]);
    expect(progress).toEqual({
      text: 'Payments is owned by team-pay.',
      toolCalls: [],
      started: true,
      usage: { inputTokens: 120, outputTokens: 9, totalTokens: 129 },
    });
    // Time to first token is measured once, before anything was shown.
    expect(firstTokens).toEqual([0]);
  });

  it('runs the tools the model calls, shows each call, and gives the model the results, errors included', async () => {
    const { answer, chatModel, events, progress } = await run(
      (_, call) =>
        call === 0
          ? {
              toolCalls: [
                { name: 'lookup_service', args: { name: 'pay' } },
                { name: 'lookup_service', args: { service: 42 } },
                { name: 'delete_everything', args: {} },
              ],
              usage: usage(100, 5),
            }
          : { tokens: ['team-pay owns it.'], usage: usage(150, 4) },
      { tools: [lookupTool] },
    );

    await answer;

    const results = toolResults(chatModel.calls[1]);
    expect(results[0]).toEqual({ owner: 'team-pay' });
    expect(results[1].error).toMatch(/^Invalid input: /);
    expect(results[2]).toEqual({
      error: 'There is no tool named delete_everything',
    });
    expect(
      events
        .filter(e => e.type === 'tool')
        .map(e => e.type === 'tool' && [e.data.name, e.data.status]),
    ).toEqual([
      ['lookup_service', 'started'],
      ['lookup_service', 'succeeded'],
      ['lookup_service', 'started'],
      ['lookup_service', 'failed'],
      ['delete_everything', 'started'],
      ['delete_everything', 'failed'],
    ]);
    expect(progress.toolCalls.map(c => c.status)).toEqual([
      'succeeded',
      'failed',
      'failed',
    ]);
    expect(progress.text).toBe('team-pay owns it.');
    // Both model calls count.
    expect(progress.usage).toEqual({
      inputTokens: 250,
      outputTokens: 9,
      totalTokens: 259,
    });
  });

  it('gives a failing tool its error as the result and lets the model answer around it', async () => {
    const broken: AiAssistantTool = {
      ...lookupTool,
      invoke: async () => {
        throw new Error('catalog is down');
      },
    };
    const { answer, chatModel, progress } = await run(
      (_, call) =>
        call === 0
          ? { toolCalls: [{ name: 'lookup_service', args: { name: 'pay' } }] }
          : { tokens: ['I could not look it up.'] },
      { tools: [broken] },
    );

    await answer;

    expect(toolResults(chatModel.calls[1])).toEqual([
      { error: 'The tool failed: catalog is down' },
    ]);
    expect(progress.text).toBe('I could not look it up.');
  });

  it('makes the model answer without tools once maxSteps rounds of calls are used up', async () => {
    const { answer, chatModel, progress } = await run(
      (_, call) =>
        call < 2
          ? { toolCalls: [{ name: 'lookup_service', args: { name: 'pay' } }] }
          : { tokens: ['Enough looking: team-pay.'] },
      { tools: [lookupTool], maxSteps: 2 },
    );

    await answer;

    expect(chatModel.toolsOffered).toEqual([
      ['lookup_service'],
      ['lookup_service'],
      [],
    ]);
    expect(progress.text).toBe('Enough looking: team-pay.');
  });

  it('fails so that another model may answer when the model does not start within the first-token timeout', async () => {
    const { answer, chatModel, events } = await run(
      () => ({ tokens: ['Too late'], delayMs: 60_000 }),
      { firstTokenTimeoutMs: 50 },
    );

    const error = await answer.catch(e => e);
    expect(error).toBeInstanceOf(FailedBeforeFirstTokenError);
    expect(error.message).toBe(
      'model scripted/model did not start answering within 0.05 seconds',
    );
    expect(chatModel.aborted).toBe(1);
    expect(events).toEqual([]);
  });

  it('fails as itself, keeping what was shown, when the model stops midway', async () => {
    const { answer, progress } = await run(() => ({
      tokens: ['Payments ', 'is '],
      failAfterTokens: new Error('connection reset'),
    }));

    const error = await answer.catch(e => e);
    expect(error).not.toBeInstanceOf(FailedBeforeFirstTokenError);
    expect(error.message).toBe('connection reset');
    expect(progress).toMatchObject({ text: 'Payments is ', started: true });
  });
});
