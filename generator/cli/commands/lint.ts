/** `cachegen lint [spec]`: reports unsafe or broken caching annotations; exit 1 when any is an error. */
import { hasErrors } from '../../lint/lint.js';
import { FORMATS, formatGithub, formatJson, formatPretty, formatSarif } from '../../lint/format/index.js';
import { loadProject } from '../../project.js';
import { oneOf, parseCommandArgs, projectOptions } from '../args.js';
import { colors, wantsColor } from '../color.js';
import { cachegenVersion } from '../version.js';
import type { Command } from '../command.js';
import { projectOptionsFrom } from '../project-args.js';

export const command: Command = {
  summary: 'Check x-cache annotations for unsafe or broken caching',
  help: `Usage: cachegen lint [spec] [options]

Lints the spec's x-cache annotations (rules: docs/lint-rules.md). The spec is the
argument, else --spec, else \`spec\` from cache.config.ts; rule levels come from
the config's lint.rules.

Options:
  --format <f>      pretty (default; code frames), json, sarif (SARIF 2.1.0), github (annotations)
  -c, --config <f>  config file (default: cache.config.ts in the current folder)
  --spec <file>     spec to lint (same as the argument)
  --cwd <dir>       folder to run in (config lookup, relative paths in output)
  -h, --help        show this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('lint', args, { ...projectOptions, format: { type: 'string', short: 'f' } });
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const options = projectOptionsFrom(values, positionals, io.cwd);
    const { problems } = await loadProject(options);
    let output: string;
    switch (format) {
      case 'json':
        output = formatJson(problems);
        break;
      case 'sarif':
        output = formatSarif(problems, options.cwd, cachegenVersion());
        break;
      case 'github':
        output = formatGithub(problems, options.cwd);
        break;
      case 'pretty':
        output = formatPretty(problems, options.cwd, colors(wantsColor(io.stdout)));
        break;
    }
    io.stdout.write(output);
    return hasErrors(problems) ? 1 : 0;
  },
};
