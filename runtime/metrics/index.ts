export * from './observer.js';
export { createPrometheusObserver, OVERFLOW_ENDPOINT, type PrometheusObserver, type PrometheusObserverOptions, type L1StatsSource } from './prometheus.js';
export { DEFAULT_HIT_BUCKETS, DEFAULT_MISS_BUCKETS } from './histogram.js';
export { metricNames, DEFAULT_METRIC_PREFIX, CIRCUIT_STATE_VALUE, type MetricNames } from './names.js';
export { registerMetricsRoute, metricsHandler, metricsRequestListener, metricsRegistry, type MetricsOption } from './route.js';
