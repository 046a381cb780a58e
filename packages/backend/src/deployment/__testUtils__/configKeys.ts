import { loadConfigSchema } from '@backstage/config-loader';
import { pluginPackagesWithConfigSchema } from './repoFiles';

/** A JSON schema node as `@backstage/config-loader` serializes `config.d.ts` files. */
type SchemaNode = {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  visibility?: string;
};

/**
 * One configurable key of this project's packages.
 *
 * @internal
 */
export type SchemaKey = {
  /** Dotted path; array items are written `list[].key`. */
  key: string;
  /** Whether the key has its own properties (a block) rather than a value. */
  isBlock: boolean;
  /** Whether `config.d.ts` marks it `@visibility secret`. */
  secret: boolean;
  /** The `config.d.ts` that declares it, relative to the repository root. */
  declaredIn: string;
};

/**
 * Every key of every `config.d.ts` under `plugins/`, read with Backstage's own schema loader
 * (the one that validates app-config at startup), so the keys are exactly the ones a backend
 * accepts. Blocks are listed as well as their leaves.
 *
 * @internal
 */
export async function loadProjectConfigKeys(): Promise<SchemaKey[]> {
  const schema = await loadConfigSchema({
    dependencies: [],
    packagePaths: pluginPackagesWithConfigSchema(),
  });
  const keys: SchemaKey[] = [];
  for (const { path, value } of schema.serialize().schemas as Array<{
    path: string;
    value: SchemaNode;
  }>) {
    // Only our own packages: loadConfigSchema also adds the Backstage packages they depend on.
    const match = /plugins\/[^/]+\/config\.d\.ts$/.exec(path);
    if (match) {
      collectKeys(value, '', match[0], keys);
    }
  }
  return keys;
}

function collectKeys(
  node: SchemaNode,
  prefix: string,
  declaredIn: string,
  out: SchemaKey[],
) {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const key = prefix ? `${prefix}.${name}` : name;
    const items = child.items?.properties ? child.items : undefined;
    const isBlock = Boolean(child.properties || items);
    if (key.includes('.')) {
      out.push({
        key,
        isBlock,
        secret: child.visibility === 'secret',
        declaredIn,
      });
    }
    if (child.properties) {
      collectKeys(child, key, declaredIn, out);
    } else if (items) {
      collectKeys(items, `${key}[]`, declaredIn, out);
    }
  }
}

/**
 * One key row of a table in docs/configuration.md.
 *
 * @internal
 */
export type DocumentedKey = {
  key: string;
  /** Whether the row says `(secret)`. */
  secret: boolean;
  /** 1-based line in the document, for messages. */
  line: number;
};

/**
 * The rows of every markdown table whose first cell is a backticked key, e.g.
 * `` | `aiAssistant.chat.maxMessageLength` | `8000` | ... | ``. Rows whose first cell is
 * backticked but not a full `aiAssistant.` key are returned too, so the test can point at them.
 *
 * @internal
 */
export function parseDocumentedKeys(markdown: string): DocumentedKey[] {
  const rows: DocumentedKey[] = [];
  markdown.split('\n').forEach((text, index) => {
    const cell = /^\|\s*`([^`]+)`\s*\|/.exec(text);
    if (cell) {
      rows.push({
        key: cell[1],
        secret: /\(secret\)/.test(text),
        line: index + 1,
      });
    }
  });
  return rows;
}
