import type { AiAssistantModelInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ModelReachabilityNotice } from './ModelReachabilityNotice';

const down: AiAssistantModelInfo = {
  id: 'ollama/llama3.1',
  displayName: 'llama3.1 (Ollama)',
  reachable: false,
  unreachableReason: 'The service behind this model does not answer right now.',
};
const up: AiAssistantModelInfo = {
  id: 'azureAi/gpt-4o',
  displayName: 'gpt-4o (Azure AI)',
  reachable: true,
};
const unchecked: AiAssistantModelInfo = {
  id: 'azureAi/DeepSeek-R1',
  displayName: 'DeepSeek-R1 (Azure AI)',
};

describe('ModelReachabilityNotice', () => {
  it('says answers are unavailable when the default model cannot answer, and names one that can', async () => {
    await renderInTestApp(<ModelReachabilityNotice models={[down, up]} />);
    expect(screen.getByRole('status')).toHaveTextContent(
      'Answers from llama3.1 (Ollama) are unavailable right now. The service behind this model does not answer right now. Pick another model, such as gpt-4o (Azure AI), or try again later.',
    );
  });

  it('asks to try later when no other model can answer', async () => {
    const alsoDown = {
      ...down,
      id: 'ollama/qwen2.5',
      displayName: 'qwen2.5 (Ollama)',
    };
    await renderInTestApp(
      <ModelReachabilityNotice
        models={[alsoDown, down]}
        modelId="ollama/llama3.1"
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'Answers from llama3.1 (Ollama) are unavailable right now. The service behind this model does not answer right now. Please try again later.',
    );
  });

  it('says nothing while the picked model answers or has no check', async () => {
    await renderInTestApp(
      <>
        <ModelReachabilityNotice models={[down, up]} modelId="azureAi/gpt-4o" />
        <ModelReachabilityNotice
          models={[down, unchecked]}
          modelId="azureAi/DeepSeek-R1"
        />
        <ModelReachabilityNotice models={[]} />
      </>,
    );
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
