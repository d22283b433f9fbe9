/** The shape of cache.config.ts. Paths are relative to the config file. */
import type { RuleSeverityConfig } from '../lint/types.js';

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
  /** Defaults the generated code passes to the runtime. */
  runtime?: {
    l1?: { maxEntries?: number; maxBytes?: number; policy?: 'tinylfu' | 'lru' };
    l2?: { redis?: string };
    keys?: { secretEnv?: string };
  };
  /** Change-data-capture mappings; validated by the CDC runtime (runtime/cdc). */
  cdc?: unknown;
  /** Dashboard settings; validated by the metrics runtime. */
  dashboard?: unknown;
}

/** A loaded config: paths absolute, plus where it came from. */
export interface ResolvedConfig extends CacheGenConfig {
  /** Absolute path of the config file; undefined when built from command-line options only. */
  configFile?: string;
  /** Folder paths were resolved against. */
  root: string;
  lint: { rules: RuleSeverityConfig };
}
