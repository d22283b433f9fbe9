/**
 * `cachegen/config`: what cache.config.ts imports. Kept free of heavy imports so loading a config
 * costs nothing beyond the config itself.
 */
import type { CacheGenConfig } from './types.js';

export type { CacheGenConfig, ResolvedConfig } from './types.js';

/** Returns the config unchanged; exists so editors type-check and complete cache.config.ts. */
export function defineConfig(config: CacheGenConfig): CacheGenConfig {
  return config;
}
