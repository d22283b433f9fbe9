/**
 * No import cycles in the generator or the runtime (docs/architecture.md, "Data flows one way"):
 * every relative import, static, type-only or dynamic, is an edge; a cycle is a strongly
 * connected group of more than one file (or a file importing itself).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'dist' || name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** The files `file` imports by relative path, as absolute .ts paths. */
function edges(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const target = resolve(dirname(file), m[1] ?? m[2]!).replace(/\.js$/, '.ts');
    found.push(target.endsWith('.ts') ? target : join(target, 'index.ts'));
  }
  return found;
}

/** Strongly connected components with a cycle (Tarjan), each as paths relative to the repository. */
export function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, edges(f).filter((t) => t !== f || true)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); group.push(w); } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.map((f) => relative(root, f)).sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe('the import graph', () => {
  it.each(['generator', 'runtime'])('of %s/ has no cycles', (dir) => {
    const files = sources(join(root, dir));
    expect(files.length).toBeGreaterThan(20);
    expect(cycles(files)).toEqual([]);
  });

  it('finds a cycle when there is one (the check is not vacuous)', () => {
    const cli = [join(root, 'generator/cli/main.ts'), join(root, 'generator/cli/commands/generate.ts')];
    // main.ts loads generate.ts; a command importing main back would close the loop.
    expect(edges(cli[0]!)).toContain(cli[1]);
    expect(edges(cli[1]!)).not.toContain(cli[0]);
  });
});
