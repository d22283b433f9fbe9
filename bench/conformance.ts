/**
 * RFC 9111 conformance, side by side (`npm run conformance`): the table of test/http/
 * conformance-table.ts against cachedFetch and against undici's cache interceptor
 * (`interceptors.cache`, in-memory store), each row on a fresh cache, a real loopback origin
 * and one virtual clock. undici reads time only through Date.now, so Date.now is that clock
 * while undici runs; cachedFetch gets it through its `now` option.
 *
 * Writes bench/results/conformance.json, docs/benchmarks/conformance.md (every row, both
 * columns) and the summary block of docs/http.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, cacheStores, fetch as undiciFetch, interceptors } from 'undici';
import { ConformanceRunner, type Contender, type Level, type Row, type RowResult } from '../test/http/conformance-harness.js';
import { cachedFetchContender } from '../test/http/conformance-contenders.js';
import { rows } from '../test/http/conformance-table.js';
import { machine, markdownTable, writeReport } from './lib/report.js';

const COMMAND = 'npm run conformance';
const root = fileURLToPath(new URL('..', import.meta.url));
const realNow = Date.now;

/** undici 7's cache interceptor over an in-memory store, private or shared like the row asks. */
const undiciContender: Contender = {
  name: 'undici',
  create({ clock, shared }) {
    Date.now = clock.now;
    const agent = new Agent().compose(interceptors.cache({
      store: new cacheStores.MemoryCacheStore(), type: shared ? 'shared' : 'private', methods: ['GET', 'HEAD'],
    }));
    return {
      fetch: (url, init) => undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>,
      // undici refreshes in the background with no handle to await: give loopback a moment.
      settle: () => new Promise((resolve) => setTimeout(resolve, 30)),
      close: async () => {
        await agent.close();
        Date.now = realNow;
      },
    };
  },
};

const contenders = [cachedFetchContender, undiciContender];

interface Tally { passed: number; total: number }
type Totals = Record<Level, Tally>;

function tally(results: RowResult[]): Totals {
  const totals: Totals = { required: { passed: 0, total: 0 }, optional: { passed: 0, total: 0 } };
  for (const r of results) {
    totals[r.level].total++;
    if (r.passed) totals[r.level].passed++;
  }
  return totals;
}

const cell = (t: Tally) => `${t.passed} / ${t.total}`;
const mark = (r: RowResult | undefined) => (r?.passed ? 'pass' : `**fail**${r?.failure ? `: ${r.failure.replace(/\|/g, '\\|')}` : ''}`);

async function main(): Promise<void> {
  const runner = await ConformanceRunner.start();
  const results = new Map<string, RowResult[]>(contenders.map((c) => [c.name, []]));
  try {
    for (const row of rows) {
      for (const contender of contenders) results.get(contender.name)!.push(await runner.run(row, contender));
    }
  } finally {
    Date.now = realNow;
    await runner.close();
  }
  const totals = Object.fromEntries(contenders.map((c) => [c.name, tally(results.get(c.name)!)]));
  const summary = markdownTable(
    ['rows passed', ...contenders.map((c) => c.name)],
    (['required', 'optional'] as const).map((level) => [level, ...contenders.map((c) => cell(totals[c.name]![level]))]),
  );
  console.log(summary);
  for (const c of contenders) {
    for (const r of results.get(c.name)!) if (!r.passed) console.log(`${c.name} ${r.level} ${r.id}: ${r.failure}`);
  }

  const byId = (name: string, id: string) => results.get(name)!.find((r) => r.id === id);
  const perRow = rows.map((row: Row) => ({
    id: row.id, section: row.section, level: row.level, shared: row.shared ?? false, title: row.title,
    ...Object.fromEntries(contenders.map((c) => [c.name, { passed: byId(c.name, row.id)?.passed ?? false, failure: byId(c.name, row.id)?.failure }])),
  }));
  const page = [
    '# RFC 9111 conformance: cachedFetch and undici',
    '',
    `\`${COMMAND}\` runs the table of \`test/http/conformance-table.ts\` against each cache: every row on a`,
    'fresh cache, a real loopback origin and a virtual clock. *required*: a MUST of RFC 9111 (or of RFC 9110',
    'for caches) that applies to the cache; *optional*: SHOULD, MAY, RFC 5861 and cachegen policies. How to',
    'read a row, and what is still not done: docs/http.md, section "Conformance".',
    '',
    summary,
    '',
    markdownTable(
      ['row', 'section', 'level', ...contenders.map((c) => c.name)],
      perRow.map((r) => [`\`${r.id}\`${r.shared ? ' (shared)' : ''}: ${r.title}`, r.section, r.level,
        ...contenders.map((c) => mark(byId(c.name, r.id)))]),
    ),
  ].join('\n');
  const written = writeReport('conformance', { command: COMMAND, machine: machine(), undici: undiciVersion(), totals, rows: perRow }, page);
  updateHttpDoc(summary);
  console.log(`\nwrote ${written.json}, ${written.markdown}, docs/http.md`);
}

function undiciVersion(): string {
  return (JSON.parse(readFileSync(`${root}node_modules/undici/package.json`, 'utf8')) as { version: string }).version;
}

/** Replaces the block between the conformance markers of docs/http.md with the latest summary. */
function updateHttpDoc(summary: string): void {
  const file = `${root}docs/http.md`;
  const text = readFileSync(file, 'utf8');
  const begin = '<!-- conformance:begin -->';
  const end = '<!-- conformance:end -->';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/http.md: the ${begin} … ${end} block is missing`);
  const block = `${begin}\n${summary}\n\n(undici ${undiciVersion()}; \`${COMMAND}\`, every row: [benchmarks/conformance.md](benchmarks/conformance.md))\n`;
  writeFileSync(file, text.slice(0, from) + block + text.slice(to));
}

await main();
