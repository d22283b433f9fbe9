import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { main } from '../../generator/cli/main.js';
import { createPrometheusObserver, registerMetricsRoute } from '@cachegen/runtime/prometheus';
import { freePort } from '../support/services.js';
import { runPromtool } from './promtool.js';
import { stringify } from 'yaml';
import { dashboardQueries, GRAFANA_RANGE, type GrafanaPanel } from '../../generator/ops/index.js';
import { parseDashboardConfig } from '../../generator/ops/config.js';

/** Runs `cachegen <args>` in-process, capturing its output. */
async function cachegen(args: string[], cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, done) { append(String(chunk)); done(); } });
  const code = await main(args, { stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }), cwd });
  return { code, stdout, stderr };
}

describe('cachegen top', () => {
  let app: FastifyInstance;
  let url: string;
  const observer = createPrometheusObserver();

  beforeAll(async () => {
    // cheapMiss: 50% hits, misses of 2 ms → 1 ms per request. slowMiss: 90% hits, misses of 0.5 s → 50 ms per request.
    for (let i = 0; i < 10; i++) observer.request('cheapMiss', i < 5 ? 'hit' : 'miss', i < 5 ? 'l1' : 'origin', i < 5 ? 0.000_005 : 0.002);
    for (let i = 0; i < 10; i++) observer.request('slowMiss', i < 9 ? 'hit' : 'miss', i < 9 ? 'l1' : 'origin', i < 9 ? 0.000_005 : 0.5);
    observer.origin('slowMiss', 0.5, false);
    app = Fastify();
    registerMetricsRoute(app, observer);
    url = await app.listen({ port: await freePort(), host: '127.0.0.1' });
  });
  afterAll(async () => { await app.close(); });

  it('--once prints one row per endpoint, the most costly first', async () => {
    const { code, stdout, stderr } = await cachegen(['top', '--url', `${url}/metrics`, '--once']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('ENDPOINT'));
    expect(lines[header]).toMatch(/ENDPOINT\s+REQ\/S\s+REQUESTS\s+HIT %\s+MISS p50\s+MISS p99\s+MISS COST\/REQ\s+ORIGIN ERR/);
    expect(lines[header + 1]).toMatch(/^slowMiss\s+-\s+10\s+90\.0%\s+\S+\s+\S+\s+50\.0ms\s+1$/);
    expect(lines[header + 2]).toMatch(/^cheapMiss\s+-\s+10\s+50\.0%\s+\S+\s+\S+\s+1\.0ms\s+0$/);
  });

  it('refreshes, showing rates between scrapes', async () => {
    const { code, stdout } = await cachegen(['top', '--url', `${url}/metrics`, '--count', '2', '--interval', '0.2']);
    expect(code).toBe(0);
    expect(stdout.match(/^cachegen top/gm)).toHaveLength(2);
    expect(stdout).toContain('rates over');
    // Nothing happened between the scrapes: 0 requests per second on the second table.
    expect(stdout.split('rates over')[1]).toMatch(/slowMiss\s+0\.0\s+0\s/);
  });

  it.each([
    { args: ['top'], code: 2, message: /--url is required/ },
    { args: ['top', '--url', 'not a url'], code: 2, message: /--url not a url: not a URL/ },
    { args: ['top', '--url', 'ftp://x/metrics'], code: 2, message: /expected an http/ },
    { args: ['top', '--url', 'http://127.0.0.1:9/metrics', '--interval', '0'], code: 2, message: /--interval 0: expected a number > 0/ },
  ])('rejects $args', async ({ args, code, message }) => {
    const result = await cachegen(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('exits 1 naming the URL when nothing answers', async () => {
    const port = await freePort();
    const result = await cachegen(['top', '--url', `http://127.0.0.1:${port}/metrics`, '--once']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
  });
});

describe('cachegen dashboard', () => {
  const spec = resolve('examples/catalog/openapi.yaml');
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cachegen-dashboard-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('writes a dashboard with a row per cached operation and rules promtool accepts', async () => {
    const { code, stdout, stderr } = await cachegen(['dashboard', '--spec', spec, '--out', 'ops'], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('wrote ops/cachegen-dashboard.json');
    const dashboard = JSON.parse(readFileSync(join(dir, 'ops/cachegen-dashboard.json'), 'utf8')) as { title: string; panels: GrafanaPanel[] };
    expect(dashboard.title).toBe('Catalog API');
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title.split(' ')[0]);
    expect(rows[0]).toBe('Overview');
    expect(rows).toContain('getFeatureFlags');
    expect(rows).not.toContain('setFeatureFlag'); // a mutation: nothing cached, no row
    const rules = readFileSync(join(dir, 'ops/cachegen-alerts.yml'), 'utf8');
    // Every query of the dashboard file as loaded, and the rules file as written, through promtool.
    const exprs = dashboardQueries(dashboard).map((q) => q.expr.replaceAll(GRAFANA_RANGE, '5m'));
    const panels = stringify({ groups: [{ name: 'panels', rules: exprs.map((expr, i) => ({ record: `cachegen:panel_${i}`, expr })) }] });
    const { status, output } = runPromtool(['check', 'rules', 'alerts.yml', 'panels.yml'], { 'alerts.yml': rules, 'panels.yml': panels });
    expect(output).toContain('SUCCESS: 5 rules found');
    expect(output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(status).toBe(0);
  });

  it('reads dashboard settings from cache.config.mjs', async () => {
    writeFileSync(join(dir, 'cache.config.mjs'), `export default ${JSON.stringify({
      spec, output: 'generated', dashboard: { out: 'from-config', title: 'Shop', prefix: 'shop_', thresholds: { missCostSeconds: 0.2 } },
    })};\n`);
    try {
      const { code, stderr } = await cachegen(['dashboard'], dir);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const dashboard = JSON.parse(readFileSync(join(dir, 'from-config/cachegen-dashboard.json'), 'utf8')) as { title: string; panels: GrafanaPanel[] };
      expect(dashboard.title).toBe('Shop');
      expect(dashboardQueries(dashboard).every((q) => !q.expr.includes('cachegen_'))).toBe(true);
      const rules = readFileSync(join(dir, 'from-config/cachegen-alerts.yml'), 'utf8');
      expect(rules).toContain('shop_miss_duration_seconds_sum');
      expect(rules).toContain(') > 0.2');
    } finally {
      rmSync(join(dir, 'cache.config.mjs'));
    }
  });

  it('runs in the folder --cwd names, like every project command', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const { code, stdout, stderr } = await cachegen(['dashboard', '--cwd', 'sub', '--spec', spec, '--out', 'ops'], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('wrote ops/cachegen-dashboard.json');
    expect(existsSync(join(dir, 'sub/ops/cachegen-alerts.yml'))).toBe(true);
  });

  it('names the missing spec file', async () => {
    const result = await cachegen(['dashboard', '--spec', 'missing.yaml', '--out', 'ops2'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('missing.yaml');
    expect(existsSync(join(dir, 'ops2'))).toBe(false);
  });
});

describe('the dashboard section of cache.config.ts', () => {
  it.each([
    { value: { out: 'x', extra: 1 }, message: /^cache\.config\.ts: dashboard: .*extra/ },
    { value: { thresholds: { hitRateDrop: 2 } }, message: /^cache\.config\.ts: dashboard\.thresholds\.hitRateDrop: / },
    { value: { prefix: '1x' }, message: /^cache\.config\.ts: dashboard\.prefix: must be a valid Prometheus metric name prefix/ },
  ])('rejects $value naming the option', ({ value, message }) => {
    expect(() => parseDashboardConfig(value)).toThrow(message);
  });

  it('accepts a valid section and an absent one', () => {
    expect(parseDashboardConfig(undefined)).toEqual({});
    expect(parseDashboardConfig({ out: 'ops', thresholds: { missCostSeconds: 0.1 } })).toEqual({ out: 'ops', thresholds: { missCostSeconds: 0.1 } });
  });
});
