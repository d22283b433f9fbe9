/** Finds and loads cache.config.ts (no build step: jiti), validates it, and resolves its paths. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configProblems } from './schema.js';
import type { CacheGenConfig, ResolvedConfig } from './types.js';

export const CONFIG_FILE_NAMES = ['cache.config.ts', 'cache.config.mts', 'cache.config.js', 'cache.config.mjs'];

/** A config that is missing or wrong; the message names the file and the option. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The config file in `cwd` (first of CONFIG_FILE_NAMES), or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => join(cwd, name)).find((file) => existsSync(file));
}

/** `cachegen/config` resolves to this package even before it is built or installed. */
function selfAlias(): Record<string, string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = ['index.js', 'index.ts'].map((f) => join(here, f)).find((f) => existsSync(f));
  return entry ? { 'cachegen/config': entry } : {};
}

async function importConfig(file: string): Promise<unknown> {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, alias: selfAlias() });
  try {
    return await jiti.import(file, { default: true });
  } catch (err) {
    throw new ConfigError(`${file}: cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Validates a config object (every section: options, lint rules, dashboard, cdc) and resolves its
 * paths against `root`. Throws one ConfigError listing every problem, each with its option path.
 */
export async function resolveConfig(raw: unknown, root: string, configFile?: string): Promise<ResolvedConfig> {
  const problems = await configProblems(raw);
  if (problems.length) throw new ConfigError(`${configFile ?? 'config'}: invalid config:\n  ${problems.join('\n  ')}`);
  const config = raw as CacheGenConfig;
  const resolved: ResolvedConfig = {
    ...config,
    spec: resolvePath(root, config.spec),
    output: resolvePath(root, config.output),
    root,
    lint: { rules: config.lint?.rules ?? {} },
  };
  if (config.handlers) resolved.handlers = resolvePath(root, config.handlers);
  if (configFile) resolved.configFile = configFile;
  return resolved;
}

/** Loads `file` (or the cache.config.ts found in `cwd`); a bad option names the option path. */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<ResolvedConfig> {
  const cwd = resolvePath(options.cwd ?? process.cwd());
  const file = options.file ? resolvePath(cwd, options.file) : findConfigFile(cwd);
  if (!file) throw new ConfigError(`no config found: tried ${CONFIG_FILE_NAMES.map((n) => join(cwd, n)).join(', ')} (run \`cachegen init\`, or pass --spec)`);
  if (!existsSync(file)) throw new ConfigError(`${file}: config file not found`);
  const raw = await importConfig(file);
  return resolveConfig(raw, dirname(file), file);
}
