/** The `dashboard` section of cache.config.ts, validated with the file named in errors. */
import { z } from 'zod';
import { DEFAULT_METRIC_PREFIX } from '@cachegen/runtime';

const thresholds = z.object({
  missCostSeconds: z.number().nonnegative(),
  minRequestsPerSecond: z.number().nonnegative(),
  hitRateDrop: z.number().min(0).max(1),
  sizeEvictionShare: z.number().min(0).max(1),
  minSizeEvictionsPerSecond: z.number().nonnegative(),
  cdcLagSeconds: z.number().nonnegative(),
}).partial().strict();

export const dashboardConfigSchema = z.object({
  /** Folder the dashboard JSON and rules YAML are written to (default `monitoring`). */
  out: z.string().min(1).optional(),
  /** Dashboard title (default: the spec's title). */
  title: z.string().min(1).optional(),
  /** Metric name prefix the service's observer uses (default `cachegen_`). */
  prefix: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a valid Prometheus metric name prefix such as "cachegen_"').optional(),
  thresholds: thresholds.optional(),
}).strict();

export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;

/** Validates `dashboard` from the config; throws `<file>: dashboard.<path>: <problem>`. */
export function parseDashboardConfig(value: unknown, file = 'cache.config.ts'): DashboardConfig {
  if (value === undefined) return {};
  const result = dashboardConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = ['dashboard', ...issue.path.map(String)].join('.');
  throw new Error(`${file}: ${path}: ${issue.message}`);
}

export { DEFAULT_METRIC_PREFIX };
