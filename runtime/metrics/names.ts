/**
 * The names of every series cachegen exports. One place, so the runtime, the generated
 * dashboard, the alert rules and `cachegen top` can never disagree on a name.
 */

/** The default prefix of every cachegen metric. */
export const DEFAULT_METRIC_PREFIX = 'cachegen_';

/** Every metric name under the given prefix (default `cachegen_`). */
export function metricNames(prefix: string = DEFAULT_METRIC_PREFIX) {
  return {
    requests: `${prefix}requests_total`,
    hitDuration: `${prefix}hit_duration_seconds`,
    missDuration: `${prefix}miss_duration_seconds`,
    originDuration: `${prefix}origin_duration_seconds`,
    originErrors: `${prefix}origin_errors_total`,
    weightedMissCost: `${prefix}weighted_miss_cost_seconds`,
    evictions: `${prefix}evictions_total`,
    l1Entries: `${prefix}l1_entries`,
    l1Bytes: `${prefix}l1_bytes`,
    l1MaxBytes: `${prefix}l1_max_bytes`,
    l1MaxEntries: `${prefix}l1_max_entries`,
    l2Errors: `${prefix}l2_errors_total`,
    l2CircuitState: `${prefix}l2_circuit_state`,
    busMessages: `${prefix}bus_messages_total`,
    cdcEvents: `${prefix}cdc_events_total`,
    cdcLag: `${prefix}cdc_lag_seconds`,
    invalidations: `${prefix}invalidations_total`,
    invalidatedTags: `${prefix}invalidated_tags_total`,
    edgePurges: `${prefix}edge_purges_total`,
    edgePurgeDuration: `${prefix}edge_purge_seconds`,
  } as const;
}

export type MetricNames = ReturnType<typeof metricNames>;

/** Check a prefix is a valid start of a Prometheus metric name; throws naming the option otherwise. */
export function assertMetricPrefix(prefix: string, option = 'prefix'): void {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw new Error(`${option} "${prefix}" is not a valid Prometheus metric name prefix: use letters, digits, "_" or ":", not starting with a digit (e.g. "cachegen_")`);
  }
}

/** Value of the circuit-state gauge for each breaker state: 0 closed (healthy), 1 half-open, 2 open. */
export const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;
