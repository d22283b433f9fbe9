/** `cachegen watch`: lints (and generates) now and again whenever the spec, a file it references, or the config changes. */
import { watch as watchFile, type FSWatcher } from 'node:fs';
import { hasErrors } from '../../lint/lint.js';
import { formatPretty } from '../../lint/format/pretty.js';
import { loadProject } from '../../project.js';
import { parseCommandArgs, projectOptions } from '../args.js';
import { colors, wantsColor } from '../color.js';
import type { Command } from '../command.js';
import { writeGenerated } from './generate.js';
import { projectOptionsFrom } from '../project-args.js';

export const command: Command = {
  summary: 'Re-run lint and generate whenever the spec or config changes',
  help: `Usage: cachegen watch [spec] [options]

Runs lint, then generate (when lint finds no errors), and again on every change to the
spec, any file it references through $ref, or the config. Stops on Ctrl-C.

Options:
  --lint-only       do not run generate
  --out <dir>       output folder for generate (overrides the config)
  -c, --config <f>  config file (default: cache.config.ts in the current folder)
  --spec <file>     spec to watch (same as the argument)
  --cwd <dir>       folder to run in
  -h, --help        show this help`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('watch', args, { ...projectOptions, 'lint-only': { type: 'boolean' }, out: { type: 'string' } });
    const options = projectOptionsFrom(values, positionals, io.cwd);
    const c = colors(wantsColor(io.stdout));
    let watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let running = Promise.resolve();

    const once = async (): Promise<string[]> => {
      const started = new Date().toISOString().slice(11, 19);
      try {
        const project = await loadProject(options);
        io.stdout.write(`${c.dim(`[${started}]`)} lint\n` + formatPretty(project.problems, options.cwd, c));
        if (!values['lint-only'] && !hasErrors(project.problems)) {
          // The project just linted, generated as `cachegen generate` would in the same folder.
          await writeGenerated(project, io, options.cwd);
          io.stdout.write(`${c.dim(`[${started}]`)} generate ${c.green('done')}\n`);
        }
        return [...project.ir.files, ...(project.config.configFile ? [project.config.configFile] : [])];
      } catch (err) {
        io.stdout.write(`${c.dim(`[${started}]`)} ${c.red('error')} ${err instanceof Error ? err.message : String(err)}\n`);
        return [options.spec ?? '', options.config ?? ''].filter(Boolean);
      }
    };

    const rewatch = (files: string[]) => {
      for (const w of watchers) w.close();
      watchers = files.map((file) =>
        watchFile(file, () => {
          // Editors save in bursts (write, rename, chmod): wait for the burst to end.
          clearTimeout(timer);
          timer = setTimeout(() => {
            running = running.then(async () => rewatch(await once()));
          }, 100);
        }),
      );
      io.stdout.write(c.dim(`watching ${files.length} file${files.length === 1 ? '' : 's'}\n`));
    };

    rewatch(await once());
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    clearTimeout(timer);
    for (const w of watchers) w.close();
    return 0;
  },
};
