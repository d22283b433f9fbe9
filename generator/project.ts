/** loadProject: config → spec → IR → problems, the sequence every command starts with. */
import { resolve as resolvePath } from 'node:path';
import { findConfigFile, loadConfig, resolveConfig } from './config/load.js';
import type { ResolvedConfig } from './config/types.js';
import { buildIr } from './ir/build.js';
import type { IrDocument } from './ir/types.js';
import { lint } from './lint/lint.js';
import type { Problem } from './lint/types.js';
import { loadSpec, type LoadedSpec } from './load/load-spec.js';

export interface ProjectOptions {
  /** Folder to look for cache.config.ts in (default: process.cwd()). */
  cwd?: string;
  /** Config file path (default: cache.config.ts in cwd). */
  config?: string;
  /** Spec path; overrides the config's `spec`. With no config file, spec alone is enough. */
  spec?: string;
  /** Output folder; overrides the config's `output`. */
  output?: string;
}

export interface Project {
  config: ResolvedConfig;
  spec: LoadedSpec;
  ir: IrDocument;
  problems: Problem[];
}

/** Resolves the config from options: the config file when there is one, else --spec/--out alone. */
export async function resolveProjectConfig(options: ProjectOptions = {}): Promise<ResolvedConfig> {
  const cwd = resolvePath(options.cwd ?? process.cwd());
  let config: ResolvedConfig;
  if (options.config || !options.spec || findConfigFile(cwd)) {
    config = await loadConfig({ cwd, ...(options.config ? { file: options.config } : {}) });
  } else {
    config = await resolveConfig({ spec: options.spec, output: options.output ?? 'generated' }, cwd);
  }
  if (options.spec) config.spec = resolvePath(cwd, options.spec);
  if (options.output) config.output = resolvePath(cwd, options.output);
  return config;
}

/** Loads config and spec, builds the IR and lints it with the config's rule levels. */
export async function loadProject(options: ProjectOptions = {}): Promise<Project> {
  const config = await resolveProjectConfig(options);
  const spec = await loadSpec(config.spec);
  const ir = buildIr(spec);
  return { config, spec, ir, problems: lint(ir, { rules: config.lint.rules }) };
}
