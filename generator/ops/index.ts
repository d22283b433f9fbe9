/** Operations assets generated from a spec: the Grafana dashboard, the alert rules, and the PromQL behind both. */
export { grafanaDashboard, dashboardQueries, GRAFANA_RANGE, type DashboardOptions, type DashboardEndpoint, type GrafanaPanel } from './dashboard.js';
export { alertRules, alertRulesYaml, DEFAULT_ALERT_THRESHOLDS, type AlertRule, type AlertRulesOptions, type AlertThresholds } from './alerts.js';
export { promql, promString, type PromQl } from './promql.js';
export { parseExposition, type Exposition, type ExpositionSample, type ExpositionFamily } from './exposition.js';
export { summarizeEndpoints, renderTopTable, histogramQuantile, formatSeconds, type EndpointSummary } from './top-table.js';
