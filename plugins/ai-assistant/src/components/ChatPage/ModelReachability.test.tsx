import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApis } from '../../__testUtils__/apis';
import { FakeBackend, setupFakeBackend } from '../../__testUtils__/fakeBackend';
import { ChatPage } from './ChatPage';

const server = setupFakeBackend();
let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend();
  server.use(...backend.handlers);
});

describe('ChatPage model reachability', () => {
  it('says before anyone asks that the default model cannot answer, and stops saying it once a working model is picked', async () => {
    backend.models = {
      models: [
        {
          id: 'ollama/llama3.1',
          displayName: 'llama3.1 (Ollama)',
          reachable: false,
          unreachableReason:
            'The service behind this model does not answer right now.',
        },
        {
          id: 'azure-ai/gpt-4o',
          displayName: 'gpt-4o (Azure AI)',
          reachable: true,
        },
      ],
      defaultModelId: 'ollama/llama3.1',
    };
    await renderInTestApp(
      <TestApis>
        <ChatPage />
      </TestApis>,
    );

    const notice = await screen.findByText(
      /Answers from llama3\.1 \(Ollama\) are unavailable right now\./,
    );
    expect(notice).toHaveTextContent(
      'Pick another model, such as gpt-4o (Azure AI), or try again later.',
    );
    expect(notice.textContent).not.toMatch(/http|baseUrl|config/);

    await userEvent.click(screen.getByRole('button', { name: /^Model / }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'gpt-4o (Azure AI)' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByText(/are unavailable right now/),
      ).not.toBeInTheDocument(),
    );
  });
});
