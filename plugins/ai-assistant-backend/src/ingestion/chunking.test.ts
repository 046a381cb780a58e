import { doc } from '../__testUtils__/fakes';
import { createChunker, embeddingText, hashDocument } from './chunking';

const chunker = createChunker({ chunkSize: 200, chunkOverlap: 0 });

const sentence = (topic: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `Step ${i + 1} of ${topic} is described here.`,
  ).join(' ');

describe('createChunker', () => {
  it('gives every chunk of a markdown document its title, the front-matter title and its heading path', async () => {
    const chunks = await chunker(
      doc(
        'helm',
        [
          '---',
          'title: Helm chart',
          '---',
          '# Installation',
          '## Helm',
          sentence('the helm install', 12),
          '### Upgrading',
          sentence('the upgrade', 3),
        ].join('\n\n'),
        { title: 'payments-service' },
      ),
    );
    // The long section is cut in several chunks; each still says where it is.
    const helm = chunks.filter(c => c.content.includes('helm install'));
    expect(helm.length).toBeGreaterThan(1);
    expect(
      chunks.map(c => [c.title, c.headings.join(' > '), c.anchor]),
    ).toEqual([
      ...helm.map(() => [
        'payments-service — Helm chart',
        'Installation > Helm',
        'helm',
      ]),
      [
        'payments-service — Helm chart',
        'Installation > Helm > Upgrading',
        'upgrading',
      ],
    ]);
    expect(embeddingText(helm[1])).toBe(
      `payments-service — Helm chart\nInstallation > Helm\n\n${helm[1].content}`,
    );
  });

  it('makes no chunk of a heading alone and does not repeat headings in the text', async () => {
    const chunks = await chunker(
      doc(
        'guide',
        '# Guide\n\n## Setup\n\n### Linux\n\nUse apt.\n\n## Windows\n\n## macOS\n\nUse brew.',
      ),
    );
    expect(chunks.map(c => [c.headings.join(' > '), c.content])).toEqual([
      ['Guide > Setup > Linux', 'Use apt.'],
      ['Guide > macOS', 'Use brew.'],
    ]);
    expect(chunks.every(c => !c.content.includes('#'))).toBe(true);
  });

  it('does not repeat the front-matter title when it is the document title', async () => {
    const [chunk] = await chunker(
      doc('a', '---\ntitle: Runbook\n---\nRestart the pods.', {
        title: 'Runbook',
      }),
    );
    expect(chunk.title).toBe('Runbook');
  });

  it('keeps front matter out of the chunks and leads the first chunk with its description', async () => {
    const chunks = await chunker(
      doc(
        'issuer',
        '---\ntitle: Issuers\ndescription: How to configure ACME issuers.\nowner: team-tls\n---\n\n# Issuers\n\nCreate an Issuer resource.\n\n## DNS01\n\nPick a solver.',
      ),
    );
    expect(chunks.map(c => c.content)).toEqual([
      'How to configure ACME issuers.\n\nCreate an Issuer resource.',
      'Pick a solver.',
    ]);
    expect(chunks.map(c => c.content).join('\n')).not.toMatch(
      /owner|team-tls|title:|---/,
    );
  });

  it('makes a chunk of the description when the page has no other text', async () => {
    const chunks = await chunker(
      doc('stub', '---\ntitle: Stub\ndescription: Coming soon.\n---\n# Stub\n'),
    );
    expect(chunks).toEqual([
      {
        content: 'Coming soon.',
        title: 'Document stub — Stub',
        headings: [],
      },
    ]);
  });

  it('does not cut at a heading inside fenced code', async () => {
    const chunks = await chunker(
      doc(
        'script',
        '# Script\n\nRun:\n\n```bash\n# comment, not a heading\nmake\n```\n\nDone.',
      ),
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0].headings).toEqual(['Script']);
    expect(chunks[0].content).toContain('# comment, not a heading');
  });

  it('chunks a document that is not markdown by paragraphs, with its title and no headings', async () => {
    const text = [
      '# not a heading in plain text',
      sentence('the plain procedure', 8),
      sentence('the second part', 8),
    ].join('\n\n');
    const chunks = await chunker(
      doc('plain', text, { markdown: false, title: 'Plain runbook' }),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(
      chunks.every(c => c.title === 'Plain runbook' && c.headings.length === 0),
    ).toBe(true);
    expect(chunks.every(c => c.anchor === undefined)).toBe(true);
    expect(chunks[0].content).toContain('# not a heading in plain text');
    expect(chunks.every(c => c.content.length <= 200)).toBe(true);
    // No words are lost.
    expect(
      chunks
        .map(c => c.content)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(text.replace(/\s+/g, ' '));
  });

  it('hashes a document differently when only its title changes, so its chunks are rewritten', () => {
    const options = { chunkSize: 200, chunkOverlap: 0 };
    const a = doc('a', 'Same text.', { title: 'Old title' });
    const b = doc('a', 'Same text.', { title: 'New title' });
    expect(hashDocument(a, options)).not.toBe(hashDocument(b, options));
    expect(hashDocument(a, options)).toBe(hashDocument({ ...a }, options));
  });
});
