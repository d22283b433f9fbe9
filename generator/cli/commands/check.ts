/**
 * `cachegen check`: exits 1 when the generated files are missing or differ from what
 * `cachegen generate` would write now (for CI), 0 when they are up to date.
 */
import { relative } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs, projectOptions, UsageError } from '../args.js';
import { projectOptionsFrom } from '../project-args.js';

const help = `Usage: cachegen check [--config FILE] [--spec FILE --out DIR]

Regenerates in memory and compares with the files in the output folder. Exits 1 and names
each file that is missing or out of date (run \`cachegen generate\`), 0 when all match.
Lint errors also fail the check.

Options:
  --config, -c FILE  The config file (default: cache.config.ts in the current folder).
  --spec FILE        The OpenAPI spec (overrides the config's spec).
  --out DIR          The output folder (overrides the config's output).
`;

export const command: Command = {
  summary: 'Fail when generated files are out of date with the spec',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('check', args, { ...projectOptions, out: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see \`cachegen check --help\`)`);
    const { loadProject } = await import('../../project.js');
    const { hasErrors } = await import('../../lint/lint.js');
    const options = projectOptionsFrom(values, [], io.cwd);
    const { cwd } = options;
    const project = await loadProject(options);
    let failed = false;
    if (hasErrors(project.problems)) {
      const { printProblems } = await import('./generate.js');
      await printProblems(project.problems, io);
      failed = true;
    }
    const { staleFiles } = await import('../../emit/generate.js');
    const stale = await staleFiles({
      ir: project.ir,
      output: project.config.output,
      ...(project.config.runtimeImport ? { runtimeImport: project.config.runtimeImport } : {}),
    });
    for (const file of stale) io.stderr.write(`${relative(cwd, file.path) || file.path}: ${file.reason === 'missing' ? 'missing' : 'out of date'}\n`);
    if (stale.length > 0) {
      io.stderr.write(`cachegen check: ${stale.length} generated file(s) out of date; run \`cachegen generate\`.\n`);
      failed = true;
    } else io.stdout.write('cachegen check: generated files are up to date.\n');
    return failed ? 1 : 0;
  },
};
