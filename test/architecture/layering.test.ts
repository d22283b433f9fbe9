/**
 * The dependency rules of docs/architecture.md, checked on the sources: an app that imports
 * @cachegen/runtime must not load the generator's tools nor any third-party package it did not
 * ask for, runtime/l1 knows nothing of the network, and runtime/keys stay pure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'dist' || name === 'node_modules') return [];
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

/** Value imports of packages (type-only imports are erased and load nothing). */
function valueImportsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s*['"]([^'"]+)['"]|(?<!typeof\s*)import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

const isPackage = (spec: string) => !spec.startsWith('.') && !spec.startsWith('node:');

const rules: Array<{ name: string; dir: string; forbidden: RegExp }> = [
  { name: 'runtime never imports the generator or its tools', dir: 'runtime', forbidden: /(^|\/)generator\/|^cachegen(\/|$)|^ts-morph$|^@redocly\/|^openapi-typescript$|^jiti$/ },
  { name: 'runtime/l1 knows nothing of the network', dir: 'runtime/l1', forbidden: /^(ioredis|pg|nats|kafkajs|fastify|node:net|node:http|node:dgram)$|\.\.\/(l2|bus|cdc|fastify)\// },
  { name: 'runtime/keys are pure (no I/O, no cache state)', dir: 'runtime/keys', forbidden: /^(ioredis|pg|nats|fastify|node:fs|node:net|node:http)$|\.\.\/(cache|l1|l2|bus)\// },
];

describe('layering', () => {
  it.each(rules)('$name', ({ dir, forbidden }) => {
    const files = sources(dir);
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((file) => importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${relative(root, join(root, file))} imports ${spec}`));
    expect(violations).toEqual([]);
  });

  it('the runtime loads third-party packages only through requirePeer (optional peers, loaded when used)', () => {
    const files = sources('runtime');
    const violations = files.flatMap((file) => valueImportsOf(file).filter(isPackage).map((spec) => `${file} imports ${spec}`));
    expect(violations).toEqual([]);
  });

  it('the checker sees imports at all (a rule that matched nothing would pass vacuously)', () => {
    expect(importsOf('runtime/index.ts')).toContain('./l1/index.js');
    expect(importsOf('generator/ir/types.ts')).toContain('@cachegen/runtime');
    expect(valueImportsOf('runtime/l2/store.ts')).toContain('../peer.js');
    expect(valueImportsOf('runtime/l2/store.ts')).not.toContain('ioredis');
  });
});
