/* eslint-disable jest/no-export -- these files are test suites that modules import and run */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessageChunk,
  HumanMessage,
  SystemMessage,
} from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { concat } from '@langchain/core/utils/stream';
import { z } from 'zod';
import type {
  AiAssistantModel,
  ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * A reply the test server of a model provider gives to the next chat request: text, tool
 * calls, or both.
 *
 * @public
 */
export interface ScriptedModelReply {
  /** Text of the answer. Servers that stream should send it in several chunks. */
  text?: string;
  /** Tool calls the model makes, with their arguments as a JSON object. */
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

/**
 * Options of {@link runModelProviderConformanceTests}.
 *
 * @public
 */
export interface ModelProviderConformanceOptions {
  /** Creates the provider under test, e.g. pointed at a loopback server. */
  createProvider: () => ModelProvider | Promise<ModelProvider>;
  /**
   * Sets what the provider's test server answers to the next chat request. The suite calls
   * it exactly once before every request it makes.
   */
  scriptReply: (reply: ScriptedModelReply) => void;
}

const messages = [
  new SystemMessage('You are a helpful assistant for a developer portal.'),
  new HumanMessage('Who owns the payments service?'),
];

const longText =
  'The payments service is owned by the checkout team. ' +
  'They are on call during business hours and answer in the #payments channel. ' +
  'Its runbook lives in the TechDocs of the component, next to the API reference.';

const lookupEntity = tool(async () => 'not called in these tests', {
  name: 'lookup_entity',
  description: 'Looks up an entity of the software catalog by its reference.',
  schema: z.object({
    entityRef: z
      .string()
      .describe('Entity reference, e.g. component:default/payments'),
    fields: z.array(z.string()).optional().describe('Fields to return'),
  }),
});

async function collect(model: BaseChatModel, signal?: AbortSignal) {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of await model.stream(messages, { signal })) {
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * The behaviour the AI assistant core relies on from every chat model provider: models to
 * list, streamed text, tool calls and cancellation. Call it at the top level of a test file of
 * a provider module; it defines a `describe` block. The provider must talk to a server the
 * test controls through `scriptReply`.
 *
 * @public
 */
export function runModelProviderConformanceTests(
  name: string,
  options: ModelProviderConformanceOptions,
): void {
  describe(`${name} model provider conformance`, () => {
    let provider: ModelProvider;
    let models: AiAssistantModel[];
    beforeAll(async () => {
      provider = await options.createProvider();
      models = await provider.getModels();
    });

    it('names itself and offers at least one model with a unique id and display name', () => {
      expect(provider.id).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
      expect(models.length).toBeGreaterThan(0);
      const ids = models.map(m => m.id);
      const displayNames = models.map(m => m.displayName);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(displayNames).size).toBe(displayNames.length);
      for (const model of models) {
        expect(model.id.length).toBeGreaterThan(0);
        expect(model.displayName.trim().length).toBeGreaterThan(0);
        expect(typeof model.chatModel.stream).toBe('function');
      }
    });

    it('streams the answer of every model in several chunks that add up to the whole text', async () => {
      for (const model of models) {
        options.scriptReply({ text: longText });
        const chunks = await collect(model.chatModel);
        const texts = chunks.map(c => c.text).filter(t => t.length > 0);
        expect(texts.length).toBeGreaterThan(1);
        expect(texts.join('')).toBe(longText);
      }
    });

    it('answers a plain invoke with the whole text', async () => {
      options.scriptReply({ text: 'The checkout team.' });
      const message = await models[0].chatModel.invoke(messages);
      expect(message.text).toBe('The checkout team.');
    });

    it('returns a tool call with its name and arguments when a tool is bound', async () => {
      const { chatModel } = models[0];
      expect(typeof chatModel.bindTools).toBe('function');
      const withTools = chatModel.bindTools!([lookupEntity]);
      const args = {
        entityRef: 'component:default/payments',
        fields: ['owner', 'lifecycle'],
      };

      options.scriptReply({
        toolCalls: [{ name: 'lookup_entity', arguments: args }],
      });
      const invoked = await withTools.invoke(messages);
      expect(invoked.tool_calls?.[0]).toMatchObject({
        name: 'lookup_entity',
        args,
      });

      options.scriptReply({
        toolCalls: [{ name: 'lookup_entity', arguments: args }],
      });
      let streamed: AIMessageChunk | undefined;
      for await (const chunk of await withTools.stream(messages)) {
        streamed = streamed ? concat(streamed, chunk) : chunk;
      }
      expect(streamed?.tool_calls).toHaveLength(1);
      expect(streamed?.tool_calls?.[0]).toMatchObject({
        name: 'lookup_entity',
        args,
      });
    });

    it('stops streaming when the caller aborts', async () => {
      const { chatModel } = models[0];
      const controller = new AbortController();
      options.scriptReply({ text: longText });
      const received: string[] = [];
      // Either outcome is fine for the core: the stream rejects, or it ends early.
      await (async () => {
        for await (const chunk of await chatModel.stream(messages, {
          signal: controller.signal,
        })) {
          received.push(chunk.text);
          controller.abort(new Error('the user stopped the answer'));
        }
      })().catch(() => undefined);
      expect(received.length).toBeGreaterThan(0);
      expect(received.join('').length).toBeLessThan(longText.length);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('the user stopped the answer'));
      // No scriptReply: a model that honours the signal sends no request.
      await expect(
        collect(models[0].chatModel, controller.signal),
      ).rejects.toThrow();
    });
  });
}
