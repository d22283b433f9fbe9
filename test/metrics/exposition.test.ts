import { describe, expect, it } from 'vitest';
import { createPrometheusObserver } from '@cachegen/runtime/prometheus';
import { formatSeconds, histogramQuantile, parseExposition, summarizeEndpoints } from '../../generator/ops/index.js';

describe('parseExposition', () => {
  it.each([
    { line: 'up 1', want: { name: 'up', labels: {}, value: 1 } },
    { line: 'x_total{a="b",c="d"} 3 1700000000000', want: { name: 'x_total', labels: { a: 'b', c: 'd' }, value: 3 } },
    { line: 'x{le="+Inf"} +Inf', want: { name: 'x', labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY } },
    { line: 'x{a="q\\"uote\\\\back\\nnl"} -2.5e-3', want: { name: 'x', labels: { a: 'q"uote\\back\nnl' }, value: -0.0025 } },
    { line: 'x{a="1",} 7', want: { name: 'x', labels: { a: '1' }, value: 7 } },
  ])('parses $line', ({ line, want }) => {
    expect(parseExposition(`# HELP x a metric\n# TYPE x counter\n${line}\n`).samples).toEqual([want]);
  });

  it('reads NaN and the family types', () => {
    const { samples, families } = parseExposition('# TYPE h histogram\n# HELP h help text\n# just a comment\nh_sum NaN\n');
    expect(samples[0]!.value).toBeNaN();
    expect(families.get('h')).toEqual({ type: 'histogram', help: 'help text' });
  });

  it.each([
    { text: 'ok 1\n{a="b"} 1', message: /^line 2: expected a metric name/ },
    { text: 'x{a=b} 1', message: /^line 1: expected ="..." after label a/ },
    { text: 'x{a="b} 1', message: /^line 1: unterminated value of label a/ },
    { text: 'x 1\n\nx twelve', message: /^line 3: "twelve" is not a sample value/ },
  ])('names the line of a malformed input: $message', ({ text, message }) => {
    expect(() => parseExposition(text)).toThrow(message);
  });

  it('round-trips what the observer exports', async () => {
    const observer = createPrometheusObserver({ clock: () => 0 });
    observer.request('get"Quoted', 'hit', 'l1', 0.000_004);
    observer.request('get"Quoted', 'miss', 'origin', 0.2);
    const parsed = parseExposition(await observer.registry.metrics());
    expect(parsed.families.get('cachegen_hit_duration_seconds')?.type).toBe('histogram');
    const [row] = summarizeEndpoints(parsed);
    expect(row).toMatchObject({ endpoint: 'get"Quoted', requests: 2, hitRate: 0.5, weightedMissCost: 0.1, originErrors: 0 });
    // 0.2 s lies in the (0.1, 0.25] bucket.
    expect(row!.missP50).toBeGreaterThan(0.1);
    expect(row!.missP50).toBeLessThanOrEqual(0.25);
  });
});

describe('histogramQuantile', () => {
  const inf = Number.POSITIVE_INFINITY;
  it.each([
    { q: 0.5, buckets: [{ le: 1, count: 0 }, { le: 2, count: 10 }, { le: inf, count: 10 }], want: 1.5 },
    { q: 0.5, buckets: [{ le: 1, count: 10 }, { le: inf, count: 10 }], want: 0.5 },
    { q: 0.99, buckets: [{ le: 1, count: 1 }, { le: inf, count: 10 }], want: 1 },
    { q: 0.5, buckets: [{ le: 1, count: 0 }, { le: inf, count: 0 }], want: undefined },
  ])('q=$q of $buckets is $want', ({ q, buckets, want }) => {
    expect(histogramQuantile(q, buckets)).toBe(want);
  });
});

describe('formatSeconds', () => {
  it.each([
    [0.000_004, '4µs'], [0.0123, '12.3ms'], [1.2, '1.20s'], [undefined, '-'], [Number.NaN, '-'],
  ])('%s → %s', (seconds, want) => { expect(formatSeconds(seconds)).toBe(want); });
});
