/** The table `cachegen advise` prints: one row per read operation, then the L1 size and the log's health. */
import type { AdviceReport } from '../types.js';
import { bytes, count, duration, percent, rate, verdictText } from './format.js';

function align(rows: string[][], rightFrom: number): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 || c >= rightFrom ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

/** The table and summary lines, plain text. */
export function renderTable(report: AdviceReport): string {
  const rows: string[][] = [['operation', 'reads/s', 'writes/s', 'keys', 'reads/key', 'top 10', 'size p99', 'origin ms mean/p99', 'write→read p50', 'hit ratio', 'advice']];
  for (const op of report.operations) {
    const t = op.traffic;
    rows.push([
      op.operationId,
      rate(t.readsPerSecond),
      rate(t.writesPerSecond),
      count(t.distinctKeys),
      t.readsPerKey ? t.readsPerKey.toFixed(1) : '–',
      t.distinctKeys ? percent(t.top10Share) : '–',
      t.reads ? bytes(t.p99Bytes) : '–',
      t.reads ? `${t.meanOriginMs}/${t.p99OriginMs}` : '–',
      t.writeToRead ? duration(t.writeToRead.p50) : '–',
      op.prediction ? percent(op.prediction.hitRatio) : '–',
      verdictText(op),
    ]);
  }
  const lines = align(rows, 10);
  const why = report.operations.filter((op) => op.verdict === 'cache' || op.verdict === 'do-not-cache');
  if (why.length) {
    lines.push('', 'why:');
    for (const op of why) lines.push(`  ${op.operationId}: ${op.reasons.join('; ')}`);
  }
  const { l1, log } = report;
  lines.push(
    '',
    `L1: maxBytes ${bytes(l1.maxBytes)} (${l1.policy === 'tinylfu' ? 'W-TinyLFU' : 'LRU'}) → ${percent(l1.hitRatio)} of cached reads hit (${percent(l1.hitRatioLargest)} with ${bytes(l1.curve.at(-1)!.maxBytes)}).`,
    `origin time saved: ${duration(l1.originSecondsSaved)} of ${duration(l1.originSecondsTotal)}; without tag invalidation ${count(l1.staleWithoutInvalidation)} hits would have served invalidated data.`,
    `log: ${count(log.lines)} lines (${log.format}) over ${duration(log.seconds)}; ${count(log.malformed)} not requests, ${count(log.unmatched)} match no operation${log.sampleRate < 1 ? `; replay sampled ${percent(log.sampleRate)} of keys` : ''}.`,
  );
  return lines.join('\n') + '\n';
}
