/** Writing benchmark results: bench/results/<name>.json for machines, docs/benchmarks/<name>.md for people. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Writes bench/results/<name>.json and docs/benchmarks/<name>.md; returns the two paths (relative to the repo). */
export function writeReport(name: string, json: unknown, markdown: string): { json: string; markdown: string } {
  const jsonPath = path.join('bench', 'results', `${name}.json`);
  const mdPath = path.join('docs', 'benchmarks', `${name}.md`);
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  mkdirSync(path.join(root, 'docs', 'benchmarks'), { recursive: true });
  writeFileSync(path.join(root, jsonPath), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(root, mdPath), markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { json: jsonPath, markdown: mdPath };
}

/** Renders a GitHub-flavoured markdown table. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Describes the machine a benchmark ran on, for the record next to its numbers. */
export function machine(): { node: string; platform: string; cpus: number; cpu: string; date: string } {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    date: new Date().toISOString(),
  };
}
