/**
 * The written report: report.md with two SVG charts beside it (hit ratio vs L1 size, hit ratio
 * vs ttl) and advice.json (the AdviceReport itself). Every number is explained in docs/advise.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { TTL_LADDER } from '../recommend.js';
import type { AdviceReport, OperationAdvice } from '../types.js';
import { bytes, count, duration, percent, rate, verdictText } from './format.js';
import { lineChart } from './svg.js';

export const SIZE_CHART = 'hit-ratio-vs-size.svg';
export const TTL_CHART = 'hit-ratio-vs-ttl.svg';

/** A Markdown table; `align` has an `l` or `r` per column (default: text first column, numbers after). */
function table(headers: string[], rows: string[][], align = 'l' + 'r'.repeat(headers.length - 1)): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function yamlBlock(op: OperationAdvice): string {
  const a = op.annotation!;
  const lines = [`# ${op.method} ${op.path}`, 'x-cache:', `  ttl: ${a.ttl}`];
  if (a.swr) lines.push(`  swr: ${a.swr}`);
  if (a.scope) lines.push(`  scope: ${a.scope}`);
  if (a.tags?.length) lines.push(`  tags: [${a.tags.map((t) => JSON.stringify(t)).join(', ')}]`);
  return ['```yaml', ...lines, '```'].join('\n');
}

/** The size chart: both policies, the recommended size marked. */
export function sizeChart(report: AdviceReport): string {
  return lineChart({
    title: 'Hit ratio vs L1 size',
    xLabel: 'L1 maxBytes',
    yLabel: 'hit ratio (cached reads)',
    formatX: bytes,
    series: [
      { name: 'W-TinyLFU', points: report.l1.curve.map((p) => ({ x: p.maxBytes, y: p.tinylfu })) },
      { name: 'LRU', points: report.l1.curve.map((p) => ({ x: p.maxBytes, y: p.lru })), dashed: true },
    ],
    marker: { x: report.l1.maxBytes, label: `recommended ${bytes(report.l1.maxBytes)}` },
  });
}

/** The ttl chart: one line per replayed operation. */
export function ttlChart(report: AdviceReport): string {
  return lineChart({
    title: 'Hit ratio vs ttl (L1 holding everything)',
    xLabel: 'ttl (seconds)',
    yLabel: 'hit ratio',
    formatX: (x) => (x >= 60 ? `${x / 60} min` : `${x} s`),
    series: report.operations.filter((op) => op.ttlCurve.length > 0 && op.traffic.reads > 0).map((op) => ({ name: op.operationId, points: op.ttlCurve.map((p) => ({ x: p.ttl, y: p.hitRatio })) })),
  });
}

function summary(report: AdviceReport): string[] {
  const { l1 } = report;
  const start = report.operations.filter((op) => op.verdict === 'cache');
  const skip = report.operations.filter((op) => op.verdict === 'do-not-cache');
  const lines = [
    '## Summary',
    '',
    `- **L1 size:** \`l1: { maxBytes: ${l1.maxBytes} }\` (${bytes(l1.maxBytes)}, W-TinyLFU): ${percent(l1.hitRatio)} of cached reads hit; an L1 of ${bytes(l1.curve.at(-1)!.maxBytes)} would reach ${percent(l1.hitRatioLargest)}.`,
    `- **Origin time saved:** ${duration(l1.originSecondsSaved)} of the ${duration(l1.originSecondsTotal)} the cached operations' reads cost the origin.`,
    `- **Tag invalidation:** without it, ${count(l1.staleWithoutInvalidation)} hits would have served data a write had invalidated.`,
    `- **Start caching:** ${start.length ? start.map((op) => `\`${op.operationId}\``).join(', ') : 'nothing'}.`,
    `- **Leave uncached:** ${skip.length ? skip.map((op) => `\`${op.operationId}\` (${verdictText(op).replace(/^do not cache: /, '')})`).join(', ') : 'nothing'}.`,
  ];
  return lines;
}

function recommendations(report: AdviceReport): string[] {
  const lines = ['## Recommendations', '', table(['operation', 'advice', 'why'], report.operations.map((op) => [`\`${op.operationId}\` ${op.method} ${op.path}`, verdictText(op), op.reasons.join('; ')]), 'lll')];
  const suggested = report.operations.filter((op) => op.verdict === 'cache');
  if (suggested.length) {
    lines.push('', 'What `cachegen advise --apply` writes (operations that have an `x-cache` are never touched):', '');
    for (const op of suggested) lines.push(yamlBlock(op), '');
  }
  return lines;
}

function sizes(report: AdviceReport): string[] {
  return [
    '## L1 size',
    '',
    `![hit ratio vs L1 size](${SIZE_CHART})`,
    '',
    table(['L1 maxBytes', 'W-TinyLFU', 'LRU'], report.l1.curve.map((p) => [`${bytes(p.maxBytes)}${p.maxBytes === report.l1.maxBytes ? ' (recommended)' : ''}`, percent(p.tinylfu), percent(p.lru)])),
  ];
}

function ttls(report: AdviceReport): string[] {
  const ops = report.operations.filter((op) => op.ttlCurve.length > 0 && op.traffic.reads > 0);
  const rows = ops.map((op) => [`\`${op.operationId}\``, ...op.ttlCurve.map((p) => `${percent(p.hitRatio)}${p.staleShare > 0 ? ` (${percent(p.staleShare)} stale)` : ''}`)]);
  return ['## ttl', '', `![hit ratio vs ttl](${TTL_CHART})`, '', table(['operation', ...TTL_LADDER.map((t) => `${t} s`)], rows)];
}

function traffic(report: AdviceReport): string[] {
  const rows = report.operations.map((op) => {
    const t = op.traffic;
    return [
      `\`${op.operationId}\``, count(t.reads), rate(t.readsPerSecond), count(t.writes), Number.isFinite(t.readsPerWrite) ? String(t.readsPerWrite) : '–',
      count(t.distinctKeys), t.readsPerKey ? t.readsPerKey.toFixed(1) : '–', count(t.callers), percent(t.top10Share), Number.isNaN(t.zipf) ? '–' : t.zipf.toFixed(2),
      bytes(t.meanBytes), bytes(t.p99Bytes), `${t.meanOriginMs}`, `${t.p99OriginMs}`, t.writeToRead ? `${duration(t.writeToRead.p50)} / ${duration(t.writeToRead.p99)}` : '–',
    ];
  });
  return ['## Traffic', '', table(['operation', 'reads', 'reads/s', 'writes', 'reads/write', 'keys', 'reads/key', 'callers', 'top-10 share', 'Zipf s', 'size mean', 'size p99', 'origin mean ms', 'origin p99 ms', 'write→read p50 / p99'], rows)];
}

function predictions(report: AdviceReport): string[] {
  const ops = report.operations.filter((op) => op.prediction);
  const rows = ops.map((op) => {
    const p = op.prediction!;
    return [`\`${op.operationId}\``, percent(p.hitRatio), count(p.hits), duration(p.originSecondsSaved), count(p.staleWithoutInvalidation), count(p.staleByPath)];
  });
  return [`## At ${bytes(report.l1.maxBytes)}`, '', table(['operation', 'hit ratio', 'hits', 'origin time saved', 'stale without invalidation', 'stale by path'], rows)];
}

function writes(report: AdviceReport): string[] {
  if (report.writes.length === 0) return [];
  return ['## Writes', '', table(['operation', 'writes', 'writes/s', 'invalidates'], report.writes.map((w) => [`\`${w.operationId}\` ${w.method} ${w.path}`, count(w.writes), rate(w.writesPerSecond), w.invalidates.length ? w.invalidates.map((t) => `\`${t}\``).join(', ') : '(nothing declared)']), 'lrrl')];
}

function logHealth(report: AdviceReport): string[] {
  const { log } = report;
  const lines = ['## The log', '', `${count(log.lines)} lines (${log.format}), ${log.from} to ${log.to} (${duration(log.seconds)}). ${count(log.malformed)} lines are not requests; ${count(log.unmatched)} requests match no operation of the spec${log.outOfOrder ? `; ${count(log.outOfOrder)} lines go back in time by more than a second (replayed in file order)` : ''}.${log.sampleRate < 1 ? ` The replay followed ${percent(log.sampleRate)} of keys, chosen by hash.` : ''}`];
  if (log.malformedExamples.length) lines.push('', ...log.malformedExamples.map((m) => `- line ${m.line}: ${m.reason}`));
  if (log.unmatchedTop.length) lines.push('', 'Most frequent requests that match no operation:', '', ...log.unmatchedTop.map((u) => `- \`${u.request}\` × ${count(u.count)}`));
  return lines;
}

/** The Markdown report. */
export function renderMarkdown(report: AdviceReport, cwd: string): string {
  const sections = [
    [`# cachegen advise`, '', `Spec \`${relative(cwd, report.spec) || report.spec}\`, log \`${relative(cwd, report.log.file) || report.log.file}\`. What each number means: docs/advise.md in the cachegen repository.`],
    summary(report),
    recommendations(report),
    sizes(report),
    ttls(report),
    predictions(report),
    traffic(report),
    writes(report),
    logHealth(report),
  ];
  return sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n') + '\n';
}

/** Writes report.md, the two charts and advice.json into dir; resolves to the report's path. */
export async function writeReport(report: AdviceReport, dir: string, cwd: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'report.md');
  await Promise.all([
    writeFile(file, renderMarkdown(report, cwd)),
    writeFile(join(dir, SIZE_CHART), sizeChart(report)),
    writeFile(join(dir, TTL_CHART), ttlChart(report)),
    writeFile(join(dir, 'advice.json'), JSON.stringify(report, null, 2) + '\n'),
  ]);
  return file;
}
