/** Turns the shared command-line options into loadProject options and prints load errors well. */
import { resolve as resolvePath } from 'node:path';
import type { ProjectOptions } from '../project.js';

/** Options common to the project commands: `[spec]`, --spec, --config, --out, --cwd (paths are relative to --cwd: "as if started there"). */
export function projectOptionsFrom(values: { config?: string | undefined; spec?: string | undefined; cwd?: string | undefined; out?: string | undefined }, positionals: string[], ioCwd: string): ProjectOptions & { cwd: string } {
  const cwd = resolvePath(ioCwd, values.cwd ?? '.');
  const spec = values.spec ?? positionals[0];
  const options: ProjectOptions & { cwd: string } = { cwd };
  if (spec) options.spec = resolvePath(cwd, spec);
  if (values.config) options.config = resolvePath(cwd, values.config);
  if (values.out) options.output = resolvePath(cwd, values.out);
  return options;
}
