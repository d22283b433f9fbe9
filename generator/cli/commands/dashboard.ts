/**
 * `cachegen dashboard`: writes a Grafana dashboard (a row per cached endpoint) and
 * Prometheus alerting rules for the spec's cached operations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs, projectOptions, UsageError } from '../args.js';
import { projectOptionsFrom } from '../project-args.js';
import { parseDashboardConfig } from '../../ops/config.js';
import { grafanaDashboard } from '../../ops/dashboard.js';
import { alertRulesYaml } from '../../ops/alerts.js';

export const DASHBOARD_FILE = 'cachegen-dashboard.json';
export const ALERTS_FILE = 'cachegen-alerts.yml';

const help = `Usage: cachegen dashboard [--config FILE | --spec FILE] [--out DIR] [--title TEXT] [--prefix PREFIX] [--cwd DIR]

Writes the monitoring assets for the spec's cached operations:
  ${DASHBOARD_FILE}   Grafana dashboard: an overview row, then one row per cached endpoint
                            (hit rate, p50/p99 miss latency, weighted miss cost, evictions).
  ${ALERTS_FILE}       Prometheus alerting rules: weighted miss cost high, evictions before
                            expiry, sudden hit-rate drop, L2 circuit open, CDC lag.

Options:
  --config FILE    The config file (default: cache.config.ts in the current folder).
  --spec FILE      The OpenAPI spec, without a config file (or overriding its spec).
  --out DIR        Output folder (default: dashboard.out in the config, else ./monitoring).
  --title TEXT     Dashboard title (default: the spec's info.title).
  --prefix PREFIX  Metric prefix your observer uses (default: cachegen_).
  --cwd DIR        The folder to run in (paths are relative to it).

Thresholds are set in cache.config.ts: dashboard: { thresholds: { missCostSeconds: 0.05 } }.
`;

export const command: Command = {
  summary: 'Write a Grafana dashboard and Prometheus alert rules for the cached endpoints',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('dashboard', args, { ...projectOptions, out: { type: 'string' }, title: { type: 'string' }, prefix: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see \`cachegen dashboard --help\`)`);
    // --out is the monitoring folder here, not the generated code's.
    const options = projectOptionsFrom({ ...values, out: undefined }, [], io.cwd);
    // The spec tools are loaded only here, so `cachegen top` never pays for them.
    const { loadProject } = await import('../../project.js');
    const project = await loadProject(options);
    const settings = parseDashboardConfig(project.config.dashboard, project.config.configFile ?? 'cache.config.ts');
    const prefix = values.prefix ?? settings.prefix;
    if (prefix !== undefined && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
      throw new Error(`--prefix "${prefix}" is not a valid Prometheus metric name prefix (e.g. cachegen_)`);
    }
    const cached = project.ir.operations.filter((op) => op.cache && !op.cache.policy.sensitive);
    const endpoints = cached.map((op) => ({ operationId: op.operationId, method: op.method, path: op.path, ttl: op.cache!.policy.ttl }));
    const outDir = values.out ? resolve(options.cwd, values.out) : resolve(project.config.root, settings.out ?? 'monitoring');
    const title = values.title ?? settings.title ?? project.ir.title;

    const dashboard = grafanaDashboard({ title, endpoints, ...(prefix ? { prefix } : {}) });
    const rules = alertRulesYaml({ ...(prefix ? { prefix } : {}), ...(settings.thresholds ? { thresholds: settings.thresholds } : {}) });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(resolve(outDir, DASHBOARD_FILE), JSON.stringify(dashboard, null, 2) + '\n');
    writeFileSync(resolve(outDir, ALERTS_FILE), rules);
    const shown = (file: string) => relative(options.cwd, resolve(outDir, file)) || file;
    io.stdout.write(
      `wrote ${shown(DASHBOARD_FILE)} (${endpoints.length} endpoint row${endpoints.length === 1 ? '' : 's'}: ${endpoints.map((e) => e.operationId).join(', ') || 'none cached'})\n` +
      `wrote ${shown(ALERTS_FILE)} (check it with: promtool check rules ${shown(ALERTS_FILE)})\n`,
    );
    return 0;
  },
};
