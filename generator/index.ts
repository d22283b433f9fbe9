/**
 * `cachegen/generator`: load → IR → lint, and the config. Emitters (./emit) read only the IR.
 */
export { loadSpec, loadSpecSync, SpecLoadError, type LoadedSpec } from './load/index.js';
export { buildIr } from './ir/build.js';
export * from './ir/types.js';
export { deriveOperationId, parseTagTemplate, formatTagParts, resolveSchema, collectFields, lookupField } from './ir/index.js';
export { lint, hasErrors, ruleIds, rules, type Problem, type RuleSeverityConfig, type RuleSetting, type RuleLevel, type Severity } from './lint/index.js';
export { loadConfig, findConfigFile, resolveConfig, ConfigError, CONFIG_FILE_NAMES } from './config/load.js';
export { defineConfig, type CacheGenConfig, type ResolvedConfig } from './config/index.js';
export { loadProject, resolveProjectConfig, type Project, type ProjectOptions } from './project.js';
export { xCacheSchema, xCacheInvalidatesSchema, xCacheDefaultsSchema, xCacheJsonSchema, validateXCache } from './schema/x-cache.js';
