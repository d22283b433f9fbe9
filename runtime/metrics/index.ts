/**
 * The observer interface every tier reports to, and the metric names. Free of prom-client: the
 * Prometheus observer lives on its own subpath, `@cachegen/runtime/prometheus`.
 */
export * from './observer.js';
export { DEFAULT_HIT_BUCKETS, DEFAULT_MISS_BUCKETS } from './histogram.js';
export { metricNames, DEFAULT_METRIC_PREFIX, CIRCUIT_STATE_VALUE, type MetricNames } from './names.js';
