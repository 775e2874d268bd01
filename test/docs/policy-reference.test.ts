/**
 * The README's policy reference and the JSON Schema editors use must describe the same keys with
 * the same defaults: this test fails when one changes without the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

interface SchemaNode {
  type?: string | string[];
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  $ref?: string;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

function schemaKeys(): Map<string, unknown> {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/shiplog.schema.json'), 'utf8')) as SchemaNode & {
    definitions?: Record<string, SchemaNode>;
    $defs?: Record<string, SchemaNode>;
  };
  const out = new Map<string, unknown>();
  const walk = (node: SchemaNode | undefined, path: string): void => {
    if (!node) return;
    if (node.$ref) {
      const name = node.$ref.split('/').pop()!;
      walk(schema.definitions?.[name] ?? schema.$defs?.[name], path);
    }
    for (const [k, v] of Object.entries(node.properties ?? {})) {
      const p = path ? `${path}.${k}` : k;
      const leaf = typeof v.default !== 'object' || v.default === null ? v.default : undefined;
      out.set(p, leaf);
      walk(v, p);
    }
    if (node.items) walk(node.items, `${path}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties, `${path}.<name>`);
    }
    for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(alt, path);
  };
  walk(schema, '');
  return out;
}

function readmeKeys(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Policy reference');
  expect(start, 'README.md has a "### Policy reference" section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n#', start + 10));
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| `([^`]+)` \| ([^|]*) \|/gm)) rows.set(m[1]!, m[2]!.trim());
  return rows;
}

describe('README policy reference', () => {
  it('lists exactly the keys of the JSON Schema', () => {
    expect([...readmeKeys().keys()].sort()).toEqual([...schemaKeys().keys()].sort());
  });

  it('states the same defaults as the JSON Schema', () => {
    const readme = readmeKeys();
    for (const [key, def] of schemaKeys()) {
      if (def === undefined) continue;
      expect(readme.get(key), key).toBe(`\`${JSON.stringify(def).replace(/^"|"$/g, '')}\``);
    }
  });
});
