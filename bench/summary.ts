/**
 * Assembles docs/benchmarks.md from the per-area tables the benchmarks write to
 * docs/benchmarks/<name>.md, so the page always shows the latest measured run of each.
 * Run after any benchmark: `npm run bench:summary`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const order = ['headline', 'l1', 'two-tier', 'keys', 'lint', 'codegen', 'http', 'metrics', 'cdc', 'edge', 'chaos', 'packaging', 'growth', 'advise'];
const found = readdirSync(`${root}docs/benchmarks`).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
const names = [...order.filter((n) => found.includes(n)), ...found.filter((n) => !order.includes(n)).sort()];

const sections = names.map((name) => {
  const text = readFileSync(`${root}docs/benchmarks/${name}.md`, 'utf8').trim();
  // Each area page starts at `#`; here it is one level down; its images sit beside it in docs/benchmarks/.
  return text.replace(/^(#+) /gm, '#$1 ').replace(/!\[([^\]]*)\]\(([^/:)]+)\)/g, '![$1](benchmarks/$2)') + `\n\nRaw numbers: [bench/results/${name}.json](../bench/results/${name}.json).`;
});

const page = [
  '# Benchmarks',
  '',
  'The latest measured run of every benchmark, assembled by `npm run bench:summary` from',
  '`docs/benchmarks/<name>.md`. Each section names the command that reproduces it. Benchmarks compare',
  'contenders side by side in one run (alternating, medians): read ratios, not absolute numbers, which',
  'move with the machine (2 cores, shared).',
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n');
writeFileSync(`${root}docs/benchmarks.md`, page);
console.log(`docs/benchmarks.md: ${names.join(', ')}`);
