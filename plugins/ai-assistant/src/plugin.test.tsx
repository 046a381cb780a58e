import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import aiAssistantAlphaPlugin from './alpha';
import { AiAssistantPage } from './components/AiAssistantPage';
import { aiAssistantPlugin } from './plugin';
import { setupFakeBackend, FakeBackend } from './__testUtils__/fakeBackend';
import { TestApis } from './__testUtils__/apis';

const server = setupFakeBackend();

describe('aiAssistantPlugin', () => {
  it('is the ai-assistant plugin and provides its API client', () => {
    expect(aiAssistantPlugin.getId()).toBe('ai-assistant');
    expect(
      [...aiAssistantPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual(['plugin.ai-assistant.service']);
  });

  it('renders the page with its header', async () => {
    server.use(...new FakeBackend().handlers);
    await renderInTestApp(
      <TestApis>
        <AiAssistantPage />
      </TestApis>,
    );
    expect(
      await screen.findByRole('heading', { name: 'AI Assistant' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('textbox', {
        name: 'Message to the AI assistant',
      }),
    ).toBeInTheDocument();
  });
});

describe('the new frontend system plugin', () => {
  it('has a titled page at /ai-assistant, which puts it in the sidebar, and the API', () => {
    expect(aiAssistantAlphaPlugin.pluginId).toBe('ai-assistant');
    expect(aiAssistantAlphaPlugin.title).toBe('AI Assistant');
    expect(
      aiAssistantAlphaPlugin.getExtension('page:ai-assistant'),
    ).toBeDefined();
    expect(
      aiAssistantAlphaPlugin.getExtension('api:ai-assistant'),
    ).toBeDefined();
  });

  it('puts the "Ask the AI Assistant" card on entity pages', () => {
    expect(
      aiAssistantAlphaPlugin.getExtension('entity-card:ai-assistant/ask'),
    ).toBeDefined();
  });
});
