import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { rootRouteRef } from '../../routes';
import { EntityAiAssistantCard } from './EntityAiAssistantCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

/** Stands in for the assistant page: shows the query it was opened with. */
function OpenedWith() {
  const params = new URLSearchParams(useLocation().search);
  return (
    <output aria-label="Assistant opened with">
      {params.get('entity')} | {params.get('q')}
    </output>
  );
}

async function renderCard() {
  await renderInTestApp(
    <Routes>
      <Route
        path="/catalog"
        element={
          <EntityProvider entity={entity}>
            <EntityAiAssistantCard />
          </EntityProvider>
        }
      />
      <Route path="/ai-assistant" element={<OpenedWith />} />
    </Routes>,
    {
      routeEntries: ['/catalog'],
      mountedRoutes: { '/ai-assistant': rootRouteRef },
    },
  );
}

const opened = () =>
  screen.findByRole(
    'status',
    { name: 'Assistant opened with' },
    {
      timeout: 10_000,
    },
  );

describe('EntityAiAssistantCard', () => {
  it('offers example questions naming the entity, and asking one opens the assistant about it', async () => {
    await renderCard();
    for (const question of [
      'What does payments do?',
      'Who owns payments?',
      'How do I use payments?',
    ]) {
      expect(
        screen.getByRole('button', { name: question }),
      ).toBeInTheDocument();
    }
    await userEvent.click(
      screen.getByRole('button', { name: 'Who owns payments?' }),
    );
    expect(await opened()).toHaveTextContent(
      'component:default/payments | Who owns payments?',
    );
  });

  it('asks a typed question with Enter, and does not ask a blank one', async () => {
    await renderCard();
    const field = screen.getByRole('textbox', { name: 'Ask about payments' });
    const ask = screen.getByRole('button', { name: 'Ask' });
    await userEvent.type(field, '   ');
    expect(ask).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, 'Which queues does it read?{Enter}');
    expect(await opened()).toHaveTextContent(
      'component:default/payments | Which queues does it read?',
    );
  });
});
