import { mockCredentials } from '@backstage/backend-test-utils';
import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { z } from 'zod';
import { RecordingPermissions } from '../__testUtils__/chatBackend';
import { ToolSet } from './ToolSet';

const tool = (name: string, mutating?: boolean): AiAssistantTool => ({
  name,
  description: name,
  schema: z.object({}),
  mutating,
  invoke: async () => 'ok',
});

const tools = [
  tool('read_docs'),
  tool('restart_service', true),
  tool('delete_repo', true),
];

const offered = async (settings: {
  allowMutating: boolean;
  enabledMutatingTools?: string[];
}) =>
  (
    await new ToolSet({
      tools,
      permissions: new RecordingPermissions(),
      callLimits: { maxCallsPerRound: 5, maxCallsPerAnswer: 10 },
      ...settings,
    }).forUser(mockCredentials.user())
  ).map(t => t.name);

describe('ToolSet', () => {
  it('offers no tool that changes state unless an admin enables it', async () => {
    expect(await offered({ allowMutating: false })).toEqual(['read_docs']);
    expect(
      await offered({
        allowMutating: false,
        enabledMutatingTools: ['restart_service'],
      }),
    ).toEqual(['read_docs', 'restart_service']);
    expect(await offered({ allowMutating: true })).toEqual([
      'read_docs',
      'restart_service',
      'delete_repo',
    ]);
  });
});
