import type { ServerResponse } from 'node:http';
import type {
  RecordedAzureOpenAiRequest,
  ScriptedAzureOpenAiChatReply,
} from './azureOpenAi';
import { sendJson, watchClientGone, words } from './loopbackServer';

/**
 * Answers `POST .../chat/completions` as Azure does: the scripted reply (else an echo of the
 * last user message) as one JSON completion, or with `stream: true` as SSE chunks with tool
 * call deltas, ending in `data: [DONE]`.
 */
export async function completeChat(
  res: ServerResponse,
  recorded: RecordedAzureOpenAiRequest,
  deployment: string,
  id: string,
  scripted: ScriptedAzureOpenAiChatReply | undefined,
) {
  const {
    messages = [],
    stream = false,
    stream_options: streamOptions,
  } = recorded.body ?? {};
  const reply = scripted ?? { text: `You said: ${lastUserMessage(messages)}` };
  const text = reply.text ?? '';
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    index,
    id: `call_${index}_${call.name}`,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const finishReason = toolCalls.length ? 'tool_calls' : 'stop';
  const promptTokens = messages.reduce(
    (sum: number, m: { content?: unknown }) =>
      sum + words(JSON.stringify(m.content ?? '')).length,
    0,
  );
  const completionTokens = words(text).length + toolCalls.length;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const created = Math.floor(Date.now() / 1000);
  const model = `${deployment}-2024-11-20`;

  if (!stream) {
    sendJson(res, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: toolCalls.length && !text ? null : text,
            refusal: null,
            ...(toolCalls.length
              ? { tool_calls: toolCalls.map(({ index: _, ...call }) => call) }
              : {}),
          },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage,
    });
    return;
  }

  const closed = watchClientGone(res, recorded);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const chunk = (choices: object[], extra: object = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_test',
    choices,
    ...extra,
  });
  const delta = (d: object, finish: string | null = null) =>
    chunk([{ index: 0, delta: d, finish_reason: finish, logprobs: null }]);

  // Azure sends the prompt's content filter results first, in a chunk without choices.
  const events: object[] = [
    {
      id: '',
      object: '',
      created: 0,
      model: '',
      choices: [],
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    },
    delta({ role: 'assistant', content: '', refusal: null }),
  ];
  for (const token of text.split(/(?<=\s)(?=\S)/).filter(Boolean)) {
    events.push(delta({ content: token }));
  }
  for (const call of toolCalls) {
    events.push(
      delta({
        tool_calls: [
          {
            index: call.index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of splitInThree(call.function.arguments)) {
      events.push(
        delta({
          tool_calls: [{ index: call.index, function: { arguments: piece } }],
        }),
      );
    }
  }
  events.push(delta({}, finishReason));
  if (streamOptions?.include_usage) {
    events.push(chunk([], { usage }));
  }
  for (const event of events) {
    if (reply.delayMsPerChunk) {
      await new Promise(resolve => setTimeout(resolve, reply.delayMsPerChunk));
    }
    if (closed()) {
      return;
    }
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

function splitInThree(text: string): string[] {
  const third = Math.ceil(text.length / 3);
  return [
    text.slice(0, third),
    text.slice(third, 2 * third),
    text.slice(2 * third),
  ].filter(Boolean);
}

function lastUserMessage(
  messages: Array<{ role?: string; content?: unknown }>,
): string {
  const last = [...messages].reverse().find(m => m.role === 'user');
  return typeof last?.content === 'string'
    ? last.content
    : JSON.stringify(last?.content ?? '');
}
