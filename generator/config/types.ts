/** The shape of cache.config.ts. Paths are relative to the config file. */
import type { CdcConfig } from '@cachegen/runtime/cdc';
import type { RuleSeverityConfig } from '../lint/types.js';
import type { DashboardConfig } from '../ops/config.js';

export interface CacheGenConfig {
  /** The OpenAPI spec (YAML or JSON), e.g. `./openapi.yaml`. */
  spec: string;
  /** Folder the generated files are written to, e.g. `./src/generated`. */
  output: string;
  /** Folder for handler stubs the user owns (written once, never overwritten). */
  handlers?: string;
  /** Package generated code imports the runtime from (default `@cachegen/runtime`; server.ts imports its `/fastify` subpath). */
  runtimeImport?: string;
  lint?: {
    /** Per-rule level (`off` | `warn` | `error`) or `[level, options]`, like ESLint. */
    rules?: RuleSeverityConfig;
  };
  /** Change-data-capture mappings (docs/cdc.md); checked with the CDC runtime's own schema. */
  cdc?: CdcConfig;
  /** `cachegen dashboard` settings (docs/metrics.md). */
  dashboard?: DashboardConfig;
}

/** A loaded config: paths absolute, plus where it came from. */
export interface ResolvedConfig extends CacheGenConfig {
  /** Absolute path of the config file; undefined when built from command-line options only. */
  configFile?: string;
  /** Folder paths were resolved against. */
  root: string;
  lint: { rules: RuleSeverityConfig };
}
