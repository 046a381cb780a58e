import {
  DocumentedKey,
  loadProjectConfigKeys,
  parseDocumentedKeys,
  SchemaKey,
} from './__testUtils__/configKeys';
import { readRepoFile } from './__testUtils__/repoFiles';

/*
 * docs/configuration.md and the packages' config.d.ts files describe the same keys: a key
 * users read about must be one the backend accepts, and a key the backend accepts must be
 * documented with its default, secrets marked as such.
 */
describe('docs/configuration.md', () => {
  let schemaKeys: SchemaKey[];
  let documented: DocumentedKey[];

  beforeAll(async () => {
    schemaKeys = await loadProjectConfigKeys();
    documented = parseDocumentedKeys(readRepoFile('docs/configuration.md'));
  });

  const describeRow = (row: DocumentedKey) =>
    `line ${row.line}: \`${row.key}\``;

  it('finds the keys of every package (sanity check of the parsers)', () => {
    expect(schemaKeys.map(k => k.key)).toContain(
      'aiAssistant.storage.pgVector.chunkSize',
    );
    expect(documented.length).toBeGreaterThan(20);
  });

  it('writes every key in full, so readers can paste it into app-config.yaml', () => {
    const partial = documented.filter(
      row => !row.key.startsWith('aiAssistant.'),
    );
    expect(partial.map(describeRow)).toEqual([]);
  });

  it('documents only keys that some config.d.ts declares', () => {
    const declared = new Set(schemaKeys.map(k => k.key));
    const unknown = documented.filter(
      row => row.key.startsWith('aiAssistant.') && !declared.has(row.key),
    );
    expect(unknown.map(describeRow)).toEqual([]);
  });

  it('documents every key that a config.d.ts declares (itself or as part of a documented block)', () => {
    const documentedKeys = new Set(documented.map(row => row.key));
    const isCovered = (key: string) => {
      const parts = key.split('.');
      return parts.some((_, i) =>
        documentedKeys.has(parts.slice(0, i + 1).join('.')),
      );
    };
    const missing = schemaKeys
      .filter(k => !k.isBlock && !isCovered(k.key))
      .map(k => `\`${k.key}\` (${k.declaredIn})`);
    expect(missing).toEqual([]);
  });

  it('marks exactly the keys config.d.ts declares @visibility secret as (secret)', () => {
    const secret = new Set(schemaKeys.filter(k => k.secret).map(k => k.key));
    const documentedKeys = new Set(documented.map(row => row.key));
    const unmarked = documented
      .filter(row => secret.has(row.key) && !row.secret)
      .map(describeRow);
    const wronglyMarked = documented
      .filter(row => row.secret && !secret.has(row.key))
      .map(describeRow);
    const secretWithoutRow = [...secret].filter(k => !documentedKeys.has(k));
    expect({ unmarked, wronglyMarked, secretWithoutRow }).toEqual({
      unmarked: [],
      wronglyMarked: [],
      secretWithoutRow: [],
    });
  });
});
