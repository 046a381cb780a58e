import { startChatBackend } from '../../__testUtils__/chatBackend';
import { toolNameFor } from './actionTools';

jest.setTimeout(120_000);

describe('aiAssistant.actions.tools', () => {
  it('refuses an entry that is not an action id at startup, naming the key', async () => {
    await expect(
      startChatBackend({
        models: null,
        config: { actions: { tools: ['restart-service'] } },
      }),
    ).rejects.toThrow(
      /aiAssistant\.actions\.tools: expected Actions Registry action ids .* got 'restart-service'/,
    );
  });
});

describe('toolNameFor', () => {
  it('makes action ids model-safe and unique', () => {
    const taken = new Set(['catalog__get-entity']);
    expect(toolNameFor('catalog:register-entity', taken)).toBe(
      'catalog__register-entity',
    );
    expect(toolNameFor('catalog:get-entity', taken)).toBe(
      'catalog__get-entity_2',
    );
    expect(toolNameFor(`plugin:${'x'.repeat(100)}.v2`, new Set())).toMatch(
      /^[A-Za-z0-9_-]{64}$/,
    );
  });
});
