import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { TestApis } from '../../__testUtils__/apis';
import { CockpitFrame } from './CockpitFrame';
import type { CockpitView } from './cockpitViews';

// A chat stand-in with state of its own: losing what was typed means it was remounted.
function Chat() {
  const [text, setText] = useState('');
  return (
    <input
      aria-label="Chat input"
      value={text}
      onChange={e => setText(e.target.value)}
    />
  );
}

const VIEWS: CockpitView[] = [
  { id: 'one', label: 'One', Component: () => <p>first view</p> },
  { id: 'two', label: 'Two', Component: () => <p>second view</p> },
];

describe('CockpitFrame', () => {
  it('shows admins the chat and each cockpit view as tabs, in order', async () => {
    await renderInTestApp(
      <TestApis admin>
        <CockpitFrame chat={<Chat />} />
      </TestApis>,
    );
    const tabs = await screen.findByRole('tablist', {
      name: 'AI assistant views',
    });
    expect(
      within(tabs)
        .getAllByRole('tab')
        .map(tab => tab.textContent),
    ).toEqual(['Chat', 'Sources', 'Retrieval test', 'Usage', 'Feedback']);
  });

  it('shows users without the admin permission the chat alone', async () => {
    await renderInTestApp(
      <TestApis admin={false}>
        <CockpitFrame chat={<Chat />} views={VIEWS} />
      </TestApis>,
    );
    expect(
      await screen.findByRole('textbox', { name: 'Chat input' }),
    ).toBeVisible();
    expect(screen.queryByRole('tablist')).not.toBeInTheDocument();
    expect(screen.queryByText('first view')).not.toBeInTheDocument();
  });

  it('opens one view at a time and keeps the chat as it was when the admin comes back', async () => {
    await renderInTestApp(
      <TestApis admin>
        <CockpitFrame chat={<Chat />} views={VIEWS} />
      </TestApis>,
    );
    await userEvent.type(
      await screen.findByRole('textbox', { name: 'Chat input' }),
      'half a question',
    );

    await userEvent.click(await screen.findByRole('tab', { name: 'One' }));
    expect(screen.getByRole('tabpanel', { name: 'One' })).toHaveTextContent(
      'first view',
    );
    expect(screen.queryByText('second view')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('textbox', { name: 'Chat input' }),
    ).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Two' }));
    expect(screen.getByRole('tabpanel', { name: 'Two' })).toHaveTextContent(
      'second view',
    );
    expect(screen.queryByText('first view')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Chat' }));
    expect(screen.getByRole('textbox', { name: 'Chat input' })).toHaveValue(
      'half a question',
    );
  });
});
