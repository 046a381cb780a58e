import { renderInTestApp } from '@backstage/test-utils';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionApi } from '@backstage/plugin-permission-react';
import { TestApis } from '../../__testUtils__/apis';
import { FakeBackend, setupFakeBackend } from '../../__testUtils__/fakeBackend';
import { fakeSourcesBackend } from '../../__testUtils__/fakeSources';
import { AiAssistantContent } from './AiAssistantContent';

const server = setupFakeBackend();

// The weight of a selector made of classes, attributes and pseudo-classes, as these are.
const weight = (selector: string) => selector.match(/[.:[]/g)?.length ?? 0;

/**
 * The background a pointer over `element` gives it: of the `:hover` rules that apply, the
 * heaviest, the last of equal weight. jsdom has no pointer, so the style sheets are read.
 */
function hoverBackground(element: Element): string | undefined {
  let winner: { weight: number; background: string } | undefined;
  for (const sheet of Array.from(document.styleSheets)) {
    for (const rule of Array.from(sheet.cssRules)) {
      const background =
        rule instanceof CSSStyleRule &&
        (rule.style.backgroundColor || rule.style.background);
      if (!background) {
        continue;
      }
      for (const selector of (rule as CSSStyleRule).selectorText.split(',')) {
        if (
          selector.includes(':hover') &&
          element.matches(selector.replace(/:hover/g, '')) &&
          weight(selector) >= (winner?.weight ?? 0)
        ) {
          winner = { weight: weight(selector), background };
        }
      }
    }
  }
  return winner?.background;
}

beforeEach(() => {
  server.use(...new FakeBackend().handlers, ...fakeSourcesBackend().handlers);
});

describe('AiAssistantContent', () => {
  it('shows no cockpit view to users without the admin permission', async () => {
    await renderInTestApp(
      <TestApis admin={false}>
        <AiAssistantContent />
      </TestApis>,
    );
    expect(
      await screen.findByRole('textbox', {
        name: 'Message to the AI assistant',
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'Sources' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('tablist')).not.toBeInTheDocument();
    expect(screen.queryByText('Run now')).not.toBeInTheDocument();
  });

  it('keeps what an admin typed when the permission answer arrives and the tabs appear', async () => {
    let answer!: () => void;
    const answered = new Promise<void>(resolve => {
      answer = resolve;
    });
    const permissionApi = {
      authorize: async () => {
        await answered;
        return { result: AuthorizeResult.ALLOW };
      },
    } as unknown as PermissionApi;
    await renderInTestApp(
      <TestApis permissionApi={permissionApi}>
        <AiAssistantContent />
      </TestApis>,
    );
    const box = await screen.findByRole('textbox', {
      name: 'Message to the AI assistant',
    });
    await userEvent.type(box, 'How do we deploy');

    answer();

    expect(
      await screen.findByRole('tab', { name: 'Sources' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
    ).toHaveValue('How do we deploy');
  });

  it('keeps the selected tab dark under the pointer in the dark theme', async () => {
    await renderInTestApp(
      <UnifiedThemeProvider theme={themes.dark}>
        <TestApis admin>
          <AiAssistantContent />
        </TestApis>
      </UnifiedThemeProvider>,
    );
    const ingestion = await screen.findByRole('tab', { name: 'Sources' });
    await userEvent.click(ingestion);
    expect(ingestion).toHaveAttribute('aria-selected', 'true');

    // The dark theme's own hover tint, not Backstage's tab default of near white.
    expect(hoverBackground(ingestion)).toBe(
      themes.dark.getTheme('v4')?.palette.action.hover,
    );
  });
});
