import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  BaseChatModelCallOptions,
  BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import {
  AIMessageChunk,
  BaseMessage,
  BaseMessageChunk,
} from '@langchain/core/messages';
import { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** One scripted model reply. */
export interface ScriptedReply {
  /** Text tokens, streamed one by one. */
  tokens?: string[];
  /** Tool calls, sent after the tokens. */
  toolCalls?: Array<{ name: string; args: Record<string, unknown> }>;
  /** Pause before each token, in milliseconds. Default: 0. */
  delayMs?: number;
  /** Throw this before the first token. */
  failBeforeFirstToken?: Error;
  /** Throw this after the tokens (a failure midway). */
  failAfterTokens?: Error;
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number };
}

interface ScriptedCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/** Whether messages are a conversation-title request rather than a question. */
export function isTitleRequest(messages: BaseMessage[]): boolean {
  return String(messages[0]?.content ?? '').startsWith('Write a short title');
}

/**
 * A LangChain chat model that streams scripted replies with delays, supports `bindTools` and
 * tool calls, honours the abort signal, and records every call it gets.
 */
export class ScriptedChatModel extends BaseChatModel<
  ScriptedCallOptions,
  AIMessageChunk
> {
  /** Messages of every call, in order. */
  readonly calls: BaseMessage[][] = [];
  /** Names of the tools bound at every call. */
  readonly toolsOffered: string[][] = [];
  /** Calls stopped by their abort signal. */
  aborted = 0;
  /** When the last token of the last reply was produced. */
  finishedAt?: number;

  constructor(
    private readonly script: (
      messages: BaseMessage[],
      callIndex: number,
    ) => ScriptedReply,
  ) {
    super({});
  }

  _llmType(): string {
    return 'scripted';
  }

  bindTools(tools: BindToolsInput[]) {
    return this.withConfig({ tools } as Partial<ScriptedCallOptions>);
  }

  /** The text of every system prompt the model received. */
  systemPrompts(): string[] {
    return this.calls.map(messages =>
      messages
        .filter(m => m.getType() === 'system')
        .map(m => String(m.content))
        .join('\n'),
    );
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let message: BaseMessageChunk | undefined;
    for await (const chunk of this._streamResponseChunks(
      messages,
      options,
      runManager,
    )) {
      message = message ? message.concat(chunk.message) : chunk.message;
    }
    const final = (message ?? new AIMessageChunk('')) as AIMessageChunk;
    return { generations: [{ text: final.text, message: final }] };
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    _runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const index = this.calls.length;
    this.calls.push(messages);
    this.toolsOffered.push(
      (options.tools ?? []).map(tool => (tool as { name: string }).name),
    );
    const reply = this.script(messages, index);
    const signal = options.signal;
    if (reply.failBeforeFirstToken) {
      await this.pause(reply.delayMs ?? 0, signal);
      throw reply.failBeforeFirstToken;
    }
    for (const token of reply.tokens ?? []) {
      await this.pause(reply.delayMs ?? 0, signal);
      yield new ChatGenerationChunk({
        text: token,
        message: new AIMessageChunk(token),
      });
    }
    if (reply.failAfterTokens) {
      throw reply.failAfterTokens;
    }
    const toolCalls = reply.toolCalls ?? [];
    for (let i = 0; i < toolCalls.length; i++) {
      yield new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: [
            {
              type: 'tool_call_chunk',
              name: toolCalls[i].name,
              args: JSON.stringify(toolCalls[i].args),
              id: `call_${index}_${i}`,
              index: i,
            },
          ],
        }),
      });
    }
    if (reply.usage) {
      yield new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          usage_metadata: reply.usage,
        }),
      });
    }
    this.finishedAt = Date.now();
  }

  private async pause(ms: number, signal?: AbortSignal) {
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const onAbort = () => {
        clearTimeout(timer);
        this.aborted += 1;
        reject(signal!.reason ?? new Error('Aborted'));
      };
      timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A model entry for a model provider. */
export function scriptedModel(
  id: string,
  model: ScriptedChatModel,
): AiAssistantModel {
  return { id, displayName: `Scripted ${id}`, chatModel: model };
}
