/**
 * A Grafana dashboard for a cachegen service: an overview row, then one row per cached
 * endpoint (operationId) with its hit rate, p50/p99 miss latency, weighted miss cost and
 * the evictions of the tiers it shares. Every query comes from ./promql.ts.
 */
import { createHash } from 'node:crypto';
import { promql } from './promql.js';

/** The range every rate() uses: Grafana picks it from the scrape interval and zoom. */
export const GRAFANA_RANGE = '$__rate_interval';

export interface DashboardEndpoint {
  operationId: string;
  method?: string;
  path?: string;
  /** Seconds fresh, shown in the row title. */
  ttl?: number;
}

export interface DashboardOptions {
  title: string;
  endpoints: DashboardEndpoint[];
  prefix?: string;
  /** Grafana uid; default derived from the title so regenerating keeps the same dashboard. */
  uid?: string;
}

export interface GrafanaTarget { expr: string; legendFormat: string; refId: string }
export interface GrafanaPanel {
  id: number;
  type: 'row' | 'timeseries';
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  description?: string;
  collapsed?: boolean;
  panels?: GrafanaPanel[];
  datasource?: { type: 'prometheus'; uid: string };
  targets?: GrafanaTarget[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const PANEL_HEIGHT = 8;

interface PanelSpec {
  title: string;
  unit: string;
  description: string;
  targets: Array<{ expr: string; legend: string }>;
  max?: number;
}

/** The dashboard as a plain object (serialize with JSON.stringify). */
export function grafanaDashboard(options: DashboardOptions): Record<string, unknown> & { panels: GrafanaPanel[] } {
  const q = promql(options.prefix);
  const r = GRAFANA_RANGE;
  let nextId = 1;
  let y = 0;
  const panels: GrafanaPanel[] = [];

  const row = (title: string) => {
    panels.push({ id: nextId++, type: 'row', title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
  };
  const addRowOfPanels = (specs: PanelSpec[]) => {
    const width = Math.floor(24 / specs.length);
    specs.forEach((spec, i) => {
      panels.push({
        id: nextId++,
        type: 'timeseries',
        title: spec.title,
        description: spec.description,
        datasource: DATASOURCE,
        gridPos: { x: i * width, y, w: width, h: PANEL_HEIGHT },
        targets: spec.targets.map((t, j) => ({ expr: t.expr, legendFormat: t.legend, refId: String.fromCharCode(65 + j) })),
        fieldConfig: { defaults: { unit: spec.unit, min: 0, ...(spec.max !== undefined ? { max: spec.max } : {}) }, overrides: [] },
        options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
      });
    });
    y += PANEL_HEIGHT;
  };

  row('Overview');
  addRowOfPanels([
    { title: 'Weighted miss cost by endpoint', unit: 's', description: 'Seconds spent answering misses per cacheable request (miss rate × mean miss latency). The endpoints on top are where caching pays most.', targets: [{ expr: q.weightedMissCost(undefined, r), legend: '{{endpoint}}' }] },
    { title: 'Hit rate by endpoint', unit: 'percentunit', max: 1, description: 'Share of cacheable requests answered from a cache tier (fresh or stale).', targets: [{ expr: q.hitRate(undefined, r), legend: '{{endpoint}}' }] },
    { title: 'Evictions by tier and reason', unit: 'ops', description: 'reason="size" evicts entries before they expire: the tier is undersized.', targets: [{ expr: q.evictionRate(r), legend: '{{tier}} {{reason}}' }] },
    { title: 'L1 utilization', unit: 'percentunit', max: 1, description: 'L1 bytes over its byte budget.', targets: [{ expr: q.l1Utilization(), legend: '{{cache}}' }] },
  ]);
  addRowOfPanels([
    { title: 'L2 errors by operation', unit: 'ops', description: 'Failed or timed-out Redis commands. Requests still succeed from L1 and the origin.', targets: [{ expr: q.l2ErrorRate(r), legend: '{{operation}}' }] },
    { title: 'L2 circuit state', unit: 'none', description: '0 closed (healthy), 1 half-open, 2 open (Redis bypassed).', targets: [{ expr: q.circuitState(), legend: 'state' }] },
    { title: 'Invalidations by source', unit: 'ops', description: 'api, mutation, cdc or bus.', targets: [{ expr: q.invalidationRate(r), legend: '{{source}}' }] },
    { title: 'Bus messages and CDC lag', unit: 'short', description: 'Bus events (gap means a missed invalidation, answered by a flush) and the lag of each CDC feed in seconds.', targets: [{ expr: q.busRate(r), legend: 'bus {{event}}' }, { expr: q.cdcLag(), legend: 'cdc lag {{feed}} (s)' }] },
  ]);

  for (const endpoint of options.endpoints) {
    const e = endpoint.operationId;
    const route = endpoint.method && endpoint.path ? ` — ${endpoint.method.toUpperCase()} ${endpoint.path}` : '';
    const ttl = endpoint.ttl !== undefined ? ` (ttl ${endpoint.ttl}s)` : '';
    row(`${e}${route}${ttl}`);
    addRowOfPanels([
      { title: `${e}: hit rate`, unit: 'percentunit', max: 1, description: 'Share of cacheable requests answered from cache.', targets: [{ expr: q.hitRate(e, r), legend: 'hit rate' }] },
      { title: `${e}: miss latency p50 / p99`, unit: 's', description: 'Time to answer a miss, the origin call included.', targets: [{ expr: q.missLatencyQuantile(0.5, e, r), legend: 'p50' }, { expr: q.missLatencyQuantile(0.99, e, r), legend: 'p99' }] },
      { title: `${e}: weighted miss cost`, unit: 's', description: 'Miss rate × mean miss latency: seconds of origin time each request pays on average.', targets: [{ expr: q.weightedMissCost(e, r), legend: 'cost per request' }] },
      { title: `${e}: evictions (shared tiers)`, unit: 'ops', description: 'Evictions of the tiers this endpoint is stored in; they are counted per tier, since every endpoint shares them. reason="size" means entries left before expiry.', targets: [{ expr: q.evictionRate(r), legend: '{{tier}} {{reason}}' }] },
    ]);
  }

  return {
    uid: options.uid ?? createHash('sha256').update(options.title).digest('hex').slice(0, 12),
    title: options.title,
    tags: ['cachegen'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }],
    },
    annotations: { list: [] },
    panels,
  };
}

/** Every PromQL expression of the dashboard, with the panel it belongs to (for checking and docs). */
export function dashboardQueries(dashboard: { panels: GrafanaPanel[] }): Array<{ panel: string; expr: string }> {
  const out: Array<{ panel: string; expr: string }> = [];
  const walk = (panels: GrafanaPanel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) out.push({ panel: panel.title, expr: target.expr });
      if (panel.panels) walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}
