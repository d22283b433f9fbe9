/** `cachegen advise --log FILE`: replays an access log through the runtime's L1 and says what to cache, how long, and how big L1 must be. */
import { relative, resolve as resolvePath } from 'node:path';
import { advise } from '../../advise/advise.js';
import { applyAdvice } from '../../advise/apply.js';
import { LOG_FORMATS } from '../../advise/log/record.js';
import { writeReport } from '../../advise/report/markdown.js';
import { renderTable } from '../../advise/report/table.js';
import { loadProject } from '../../project.js';
import { oneOf, parseCommandArgs, projectOptions, UsageError } from '../args.js';
import type { Command, CommandIO } from '../command.js';
import { projectOptionsFrom } from '../project-args.js';

const help = `Usage: cachegen advise --log FILE [--format combined|json] [--spec FILE] [--report DIR] [--apply]

Reads an access log (streamed; .gz too), maps each request to its operation through the
spec's path templates, and replays the reads through the runtime's own L1 (W-TinyLFU and
LRU) over a range of sizes and ttls, with the log's writes invalidating what they would.
Prints a table: per read operation, its traffic and whether to cache it (ttl, swr, tags,
scope) or not and why; then the L1 maxBytes at the knee of the hit-ratio curve. Writes a
report (Markdown, two SVG charts, advice.json). Every number: docs/advise.md.

Options:
  --log <file>       the access log (required)
  --format <f>       combined (nginx/Apache, optional trailing $request_time) or json
                     (JSON lines); default: guessed from the first line
  --report <dir>     where the report goes (default ./cachegen-advise)
  --apply            write the suggested x-cache blocks into the spec (text inserted,
                     comments and formatting kept; operations that have x-cache are never touched)
  --json             print advice.json to stdout instead of the table
  -c, --config <f>   config file (default: cache.config.ts in the current folder)
  --spec <file>      the spec (default: the config's)
  --cwd <dir>        folder to run in
  -h, --help         show this help

Exit status: 0 advice given, 2 bad usage or unreadable log or spec.`;

/** A progress bar on a terminal (stderr, so stdout stays the table); nothing elsewhere. */
function progressBar(io: CommandIO): ((pass: number, passes: number, read: number, total: number) => void) & { done(): void } {
  const tty = io.stderr.isTTY === true;
  let last = 0;
  const names = ['', 'profiling', 'replaying ttls', 'replaying sizes'];
  const draw = (pass: number, passes: number, read: number, total: number) => {
    const now = performance.now();
    if (!tty || now - last < 100) return;
    last = now;
    const share = total > 0 ? Math.min(1, read / total) : 0;
    const filled = Math.round(share * 30);
    io.stderr.write(`\r${`pass ${pass}/${passes} ${names[pass] ?? ''}`.padEnd(26)} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`);
  };
  return Object.assign(draw, { done: () => { if (tty && last > 0) io.stderr.write('\r\u001b[K'); } });
}

export const command: Command = {
  summary: 'Replay an access log: what to cache, for how long, and how big L1 must be',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('advise', args, {
      ...projectOptions,
      log: { type: 'string' },
      format: { type: 'string', short: 'f' },
      report: { type: 'string' },
      apply: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (!values.log) throw new UsageError('--log is required: the access log to replay, e.g. `cachegen advise --log access.log` (see `cachegen advise --help`)');
    const format = values.format === undefined ? undefined : oneOf('format', values.format, LOG_FORMATS, 'combined');
    const options = projectOptionsFrom(values, positionals, io.cwd);
    const project = await loadProject(options);
    const log = resolvePath(options.cwd, values.log);
    const bar = progressBar(io);
    let report;
    try {
      report = await advise({ ir: project.ir, log, ...(format ? { format } : {}), progress: bar });
    } finally {
      bar.done();
    }
    const reportDir = resolvePath(options.cwd, values.report ?? 'cachegen-advise');
    const written = await writeReport(report, reportDir, options.cwd);
    if (values.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else io.stdout.write(renderTable(report) + `report: ${relative(options.cwd, written) || written}\n`);
    if (values.apply) {
      const applied = await applyAdvice(project.spec, project.ir, report);
      const say = (line: string) => (values.json ? io.stderr : io.stdout).write(line + '\n');
      for (const [file, ops] of applied.annotated) say(`annotated ${ops.length} operation${ops.length === 1 ? '' : 's'} in ${relative(options.cwd, file)}: ${ops.join(', ')}`);
      if (applied.annotated.size === 0) say('--apply: no operation to annotate (nothing to start caching, or all have x-cache)');
      if (applied.skipped.length) say(`skipped (flow-style YAML or $ref into a file's middle; annotate by hand): ${applied.skipped.join(', ')}`);
    }
    return 0;
  },
};
