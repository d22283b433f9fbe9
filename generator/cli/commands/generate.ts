/**
 * `cachegen generate`: lint the spec, then write types.ts, operations.ts, server.ts, client.ts and
 * index.ts to the output folder (and handler stubs, once). Refuses to generate while lint
 * reports errors. `cachegen watch` writes through `writeGenerated` too.
 */
import { relative } from 'node:path';
import type { Project } from '../../project.js';
import type { Command, CommandIO } from '../command.js';
import { parseCommandArgs, projectOptions, UsageError } from '../args.js';
import { projectOptionsFrom } from '../project-args.js';
import { colors, wantsColor } from '../color.js';

const help = `Usage: cachegen generate [--config FILE] [--spec FILE --out DIR] [--force]

Lints the spec, then writes the generated files: types.ts (openapi-typescript, and each
operation's request and response types), operations.ts (the operation table), server.ts (a
Fastify plugin with typed, cached handlers), client.ts (a typed, cached client) and index.ts. Files whose content did not change are left alone; handler stubs are written to
the config's \`handlers\` folder only when it has none.

Options:
  --config, -c FILE  The config file (default: cache.config.ts in the current folder).
  --spec FILE        The OpenAPI spec (overrides the config's spec).
  --out DIR          The output folder (overrides the config's output).
  --force            Generate even when lint reports errors.
  --cwd DIR          The folder to run in (paths are relative to it).
`;

/** Writes a loaded project's generated files and absent handler stubs, printing what it wrote (paths relative to `cwd`). */
export async function writeGenerated(project: Project, io: CommandIO, cwd: string): Promise<void> {
  const { generate } = await import('../../emit/generate.js');
  const started = performance.now();
  const result = await generate({
    ir: project.ir,
    output: project.config.output,
    ...(project.config.handlers ? { handlers: project.config.handlers } : {}),
    ...(project.config.runtimeImport ? { runtimeImport: project.config.runtimeImport } : {}),
  });
  const show = (p: string) => relative(cwd, p) || p;
  for (const path of result.written) io.stdout.write(`wrote ${show(path)}\n`);
  for (const path of result.stubs) io.stdout.write(`wrote ${show(path)} (handler stubs: yours to edit, never overwritten)\n`);
  io.stdout.write(
    `cachegen: ${project.ir.operations.length} operations, ${result.written.length} files written, ${result.unchanged.length} unchanged (${Math.round(performance.now() - started)} ms)\n`,
  );
}

/** Prints lint problems the way \`cachegen lint\` does. */
export async function printProblems(problems: import('../../lint/types.js').Problem[], io: CommandIO): Promise<void> {
  const { formatPretty } = await import('../../lint/format/pretty.js');
  io.stderr.write(formatPretty(problems, io.cwd, colors(wantsColor(io.stderr))).trimEnd() + '\n');
}

export const command: Command = {
  summary: 'Lint, then write the typed, cached server and client for the spec',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('generate', args, { ...projectOptions, out: { type: 'string' }, force: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see \`cachegen generate --help\`)`);
    const { loadProject } = await import('../../project.js');
    const { hasErrors } = await import('../../lint/lint.js');
    const options = projectOptionsFrom(values, [], io.cwd);
    const project = await loadProject(options);
    if (project.problems.length > 0) await printProblems(project.problems, io);
    if (hasErrors(project.problems) && !values.force) {
      io.stderr.write('cachegen generate: not generating while the spec has lint errors (fix them, or pass --force).\n');
      return 1;
    }
    await writeGenerated(project, io, options.cwd);
    return 0;
  },
};
