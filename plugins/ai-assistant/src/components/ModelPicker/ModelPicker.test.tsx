import type { AiAssistantModelInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ModelPicker } from './ModelPicker';

const models: AiAssistantModelInfo[] = [
  {
    id: 'ollama/llama3.1',
    displayName: 'llama3.1 (Ollama)',
    reachable: false,
    unreachableReason:
      'The service behind this model does not answer right now.',
  },
  { id: 'azureAi/gpt-4o', displayName: 'gpt-4o (Azure AI)', reachable: true },
  { id: 'azureAi/DeepSeek-R1', displayName: 'DeepSeek-R1 (Azure AI)' },
];

describe('ModelPicker', () => {
  it('marks the models that cannot answer, in the list and when one is picked, and still lets users pick them', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <ModelPicker
        models={models}
        value="ollama/llama3.1"
        onChange={onChange}
        loading={false}
      />,
    );
    // The picked model shows the mark before the list is ever opened.
    // Named by its label and what it shows, as a screen reader reads it.
    const picker = screen.getByRole('button', {
      name: 'Model llama3.1 (Ollama) (unavailable)',
    });
    expect(picker).toHaveTextContent('llama3.1 (Ollama) (unavailable)');

    await userEvent.click(picker);
    const options = screen.getAllByRole('option');
    expect(options.map(option => option.textContent)).toEqual([
      'llama3.1 (Ollama) (unavailable)',
      'gpt-4o (Azure AI)',
      'DeepSeek-R1 (Azure AI)',
    ]);
    expect(options[0]).toHaveAttribute(
      'title',
      'The service behind this model does not answer right now.',
    );
    expect(options[1]).not.toHaveAttribute('title');

    await userEvent.click(options[1]);
    expect(onChange).toHaveBeenCalledWith('azureAi/gpt-4o');
  });

  it('shows no mark when every model answers or has no check', async () => {
    await renderInTestApp(
      <ModelPicker
        models={models.slice(1)}
        value="azureAi/gpt-4o"
        onChange={() => {}}
        loading={false}
      />,
    );
    expect(screen.queryByText('(unavailable)')).not.toBeInTheDocument();
  });
});
