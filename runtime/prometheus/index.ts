/**
 * `@cachegen/runtime/prometheus`: the Prometheus observer and the `/metrics` route. Needs the
 * optional peer dependency prom-client (`npm i prom-client`).
 */
export { createPrometheusObserver, OVERFLOW_ENDPOINT, type PrometheusObserver, type PrometheusObserverOptions, type L1StatsSource } from './observer.js';
export { registerMetricsRoute, metricsHandler, metricsRequestListener, metricsRegistry, type MetricsOption } from './route.js';
