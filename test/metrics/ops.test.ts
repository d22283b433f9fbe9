import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { alertRules, alertRulesYaml, dashboardQueries, grafanaDashboard, GRAFANA_RANGE } from '../../generator/ops/index.js';
import { runPromtool } from './promtool.js';

const endpoints = [
  { operationId: 'getProduct', method: 'get', path: '/products/{id}', ttl: 600 },
  { operationId: 'listProducts', method: 'get', path: '/products', ttl: 60 },
  { operationId: 'weird"name\\', method: 'get', path: '/w' },
];

/** A rules file with one recording rule per expression: `promtool check rules` then parses each one. */
function recordingRules(exprs: string[]): string {
  return stringify({ groups: [{ name: 'panels', rules: exprs.map((expr, i) => ({ record: `cachegen:panel_${i}`, expr })) }] });
}

describe('generated alert rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = runPromtool(['check', 'rules', 'alerts.yml'], { 'alerts.yml': alertRulesYaml() });
    expect(output).toContain('SUCCESS: 5 rules found');
    expect(status).toBe(0);
  });

  it('alert on weighted miss cost, evictions before expiry and a hit-rate drop (not on hit rate alone)', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['CachegenWeightedMissCostHigh', 'CachegenEvictionsBeforeExpiry', 'CachegenHitRateDrop']));
    expect(rules.find((r) => r.alert === 'CachegenWeightedMissCostHigh')!.expr).toContain('cachegen_miss_duration_seconds_sum');
    expect(rules.find((r) => r.alert === 'CachegenEvictionsBeforeExpiry')!.expr).toContain('reason="size"');
    expect(() => alertRules({ thresholds: { missCostSeconds: -1 } })).toThrow(/missCostSeconds is -1/);
  });

  it('fire on the right series in promtool test rules', () => {
    const rules = alertRules();
    /** The annotations promtool should render: the rule's templates with labels and the formatted value filled in. */
    const annotations = (alert: string, labels: Record<string, string>, value: string) => {
      const rule = rules.find((r) => r.alert === alert)!;
      const fill = (text: string) => text
        .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '')
        .replace(/\{\{ \$value \| \w+ \}\}/g, value);
      return Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, fill(v)]));
    };
    const minute = (perSecond: number) => perSecond * 60;
    const steady = (perSecond: number, minutes = 100) => `0+${minute(perSecond)}x${minutes}`;
    const test = {
      rule_files: ['alerts.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          // slow: 10 lookups/s, 1 miss/s at 0.8 s → 0.08 s per request, above 0.05.
          { series: 'cachegen_requests_total{endpoint="slow",result="hit",tier="l1"}', values: steady(9) },
          { series: 'cachegen_requests_total{endpoint="slow",result="miss",tier="origin"}', values: steady(1) },
          { series: 'cachegen_miss_duration_seconds_sum{endpoint="slow"}', values: steady(0.8) },
          // cheap: a 50% hit rate, but misses of 10 ms → 0.005 s per request: no alert on hit rate alone.
          { series: 'cachegen_requests_total{endpoint="cheap",result="hit",tier="l1"}', values: steady(5) },
          { series: 'cachegen_requests_total{endpoint="cheap",result="miss",tier="origin"}', values: steady(5) },
          { series: 'cachegen_miss_duration_seconds_sum{endpoint="cheap"}', values: steady(0.05) },
          // dropping: 95% hits for an hour, then 20%.
          { series: 'cachegen_requests_total{endpoint="dropping",result="hit",tier="l1"}', values: `0+${minute(19)}x60 ${minute(19) * 60}+${minute(4)}x40` },
          { series: 'cachegen_requests_total{endpoint="dropping",result="miss",tier="origin"}', values: `0+${minute(1)}x60 ${minute(1) * 60}+${minute(16)}x40` },
          { series: 'cachegen_miss_duration_seconds_sum{endpoint="dropping"}', values: steady(0.001) },
          // L1 evicts 2/s for size and 0.5/s on expiry: 80% before expiry.
          { series: 'cachegen_evictions_total{tier="l1",reason="size"}', values: steady(2) },
          { series: 'cachegen_evictions_total{tier="l1",reason="expired"}', values: steady(0.5) },
          { series: 'cachegen_evictions_total{tier="l2",reason="expired"}', values: steady(5) },
        ],
        alert_rule_test: [
          { eval_time: '40m', alertname: 'CachegenWeightedMissCostHigh', exp_alerts: [{ exp_labels: { severity: 'warning', endpoint: 'slow' }, exp_annotations: annotations('CachegenWeightedMissCostHigh', { endpoint: 'slow' }, '80ms') }] },
          { eval_time: '40m', alertname: 'CachegenEvictionsBeforeExpiry', exp_alerts: [{ exp_labels: { severity: 'warning', tier: 'l1' }, exp_annotations: annotations('CachegenEvictionsBeforeExpiry', { tier: 'l1' }, '80%') }] },
          { eval_time: '40m', alertname: 'CachegenHitRateDrop', exp_alerts: [] },
          { eval_time: '75m', alertname: 'CachegenHitRateDrop', exp_alerts: [{ exp_labels: { severity: 'warning', endpoint: 'dropping' }, exp_annotations: annotations('CachegenHitRateDrop', { endpoint: 'dropping' }, '20%') }] },
        ],
      }],
    };
    const { status, output } = runPromtool(['test', 'rules', 'test.yml'], { 'alerts.yml': alertRulesYaml(), 'test.yml': stringify(test) });
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });
});

describe('generated Grafana dashboard', () => {
  const dashboard = grafanaDashboard({ title: 'Catalog API', endpoints });

  it('has an overview row and a row per endpoint with hit rate, p50/p99 miss latency, weighted miss cost and evictions', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Overview', 'getProduct — GET /products/{id} (ttl 600s)', 'listProducts — GET /products (ttl 60s)', 'weird"name\\ — GET /w']);
    const titles = dashboard.panels.map((p) => p.title);
    for (const e of ['getProduct', 'listProducts']) {
      expect(titles).toEqual(expect.arrayContaining([`${e}: hit rate`, `${e}: miss latency p50 / p99`, `${e}: weighted miss cost`, `${e}: evictions (shared tiers)`]));
    }
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Round-trips through JSON, as Grafana loads it.
    expect(JSON.parse(JSON.stringify(dashboard)).uid).toBe(grafanaDashboard({ title: 'Catalog API', endpoints: [] }).uid);
  });

  it('has only panel queries that promtool parses', () => {
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(4 * endpoints.length);
    // Grafana replaces $__rate_interval before Prometheus sees the query; do the same.
    const exprs = queries.map((q) => q.expr.replaceAll(GRAFANA_RANGE, '5m'));
    const { status, output } = runPromtool(['check', 'rules', 'panels.yml'], { 'panels.yml': recordingRules(exprs) });
    expect(output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(status).toBe(0);
  });

  it('the parse check fails on a broken query (so it can catch one)', () => {
    const { status, output } = runPromtool(['check', 'rules', 'panels.yml'], { 'panels.yml': recordingRules(['sum(rate(cachegen_requests_total[5m])']) });
    expect(status).not.toBe(0);
    expect(output).toMatch(/parse error|unclosed|FAILED/i);
  });
});
