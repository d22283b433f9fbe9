/**
 * `cachegen`: load → IR → lint, the config, generate, and the metrics helpers of `cachegen top`.
 * Emitters (./emit) read only the IR and load only when `generate` runs.
 */
import type { GenerateResult, GenerateTarget } from './emit/generate.js';

export { loadSpec, loadSpecSync, SpecLoadError, type LoadedSpec } from './load/index.js';
export { buildIr } from './ir/build.js';
export * from './ir/types.js';
export { deriveOperationId, camelCase, pascalCase, parseTagTemplate, formatTagParts, resolveSchema, collectFields, lookupField } from './ir/index.js';
export { lint, hasErrors, ruleIds, rules, type Problem, type RuleSeverityConfig, type RuleSetting, type RuleLevel, type Severity } from './lint/index.js';
export { loadConfig, findConfigFile, resolveConfig, ConfigError, CONFIG_FILE_NAMES } from './config/load.js';
export { defineConfig, type CacheGenConfig, type ResolvedConfig } from './config/index.js';
export { loadProject, resolveProjectConfig, type Project, type ProjectOptions } from './project.js';
export { xCacheSchema, xCacheInvalidatesSchema, xCacheDefaultsSchema, xCacheJsonSchema, validateXCache } from './schema/x-cache.js';
export { parseExposition, type Exposition, type ExpositionSample } from './ops/exposition.js';
export { summarizeEndpoints, histogramQuantile, formatSeconds, type EndpointSummary } from './ops/top-table.js';
export type { GenerateTarget, GenerateResult };

/** Writes the generated files whose bytes changed and the absent handler stubs (loads the emitters, and openapi-typescript, only when called). */
export async function generate(target: GenerateTarget): Promise<GenerateResult> {
  const emit = await import('./emit/generate.js');
  return emit.generate(target);
}
