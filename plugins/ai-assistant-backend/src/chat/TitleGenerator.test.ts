import { mockServices } from '@backstage/backend-test-utils';
import {
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { TitleGenerator } from './TitleGenerator';

function replying(reply: string) {
  return scriptedModel(
    'scripted/one',
    new ScriptedChatModel(() => ({ tokens: [reply] })),
  );
}

describe('TitleGenerator', () => {
  const titles = new TitleGenerator({
    logger: mockServices.logger.mock(),
  });

  it('keeps the first line of the reply without quotes, markup or a final period', async () => {
    expect(
      await titles.generate(
        replying('## "Deploying payments."\nThe answer explains…'),
        'q',
        'a',
      ),
    ).toBe('Deploying payments');
  });
});

// The reply is the model's: a prompt-injected document can make it arbitrarily long.
describe('Event-loop stalls from regular expressions: title clean-up', () => {
  it('cleans a 1 MB reply with a long run of trailing-looking characters in linear time', async () => {
    const titles = new TitleGenerator({
      logger: mockServices.logger.mock(),
    });
    const reply = `"Deploying payments${' '.repeat(100_000)}${' word'.repeat(180_000)}`;
    expect(reply.length).toBeGreaterThan(1_000_000);
    const model = replying(reply);
    const started = performance.now();
    const title = await titles.generate(model, 'q', 'a');
    const elapsedMs = performance.now() - started;
    expect(title).toBe('Deploying payments');
    // Linear time is milliseconds; the backtracking expression took many seconds.
    expect(elapsedMs).toBeLessThan(1000);
  });
});
