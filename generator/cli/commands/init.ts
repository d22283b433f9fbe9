/** `cachegen init [spec]`: writes cache.config.ts and adds example x-cache annotations to the spec's reads. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve as resolvePath, sep } from 'node:path';
import { findConfigFile } from '../../config/load.js';
import { applyInsertions, planAnnotations, type Insertion } from '../../init/annotate.js';
import { configFileText, DEFAULT_PATHS } from '../../init/config-file.js';
import { buildIr } from '../../ir/build.js';
import { loadSpec } from '../../load/load-spec.js';
import { parseCommandArgs, UsageError } from '../args.js';
import type { Command } from '../command.js';

const SPEC_CANDIDATES = ['openapi.yaml', 'openapi.yml', 'openapi.json', 'spec/openapi.yaml', 'api/openapi.yaml'];

function relativeSpecifier(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** One planned insertion for --dry-run: where, for which operation, then each added line. */
function describeInsertion(file: string, insertion: Insertion): string {
  const added = insertion.text.trimEnd().split(/\r?\n/).map((line) => `  + ${line}`);
  return [`${file}:${insertion.line} ${insertion.operation} (${insertion.route}):`, ...added].join('\n');
}

export const command: Command = {
  summary: 'Create cache.config.ts and add example x-cache annotations to a spec',
  help: `Usage: cachegen init [spec] [options]

Writes cache.config.ts (unless one exists) with the spec, the output folder and the
handlers folder, so \`cachegen generate\` writes the generated files and handler stubs at
once. Then adds an example x-cache to every GET operation that has none: { ttl: 60,
swr: 30 }, or { ttl: 30, scope: private } when the operation needs authentication. Only
text is inserted: comments, order and formatting of the spec stay as they were. Review
the annotations, then run \`cachegen lint\`.

Options:
  --spec <file>     the spec (default: the argument, else openapi.yaml/.yml/.json here)
  --output <dir>    folder of the generated files, in the config (default ${DEFAULT_PATHS.output})
  --handlers <dir>  folder of your handlers, in the config (default ${DEFAULT_PATHS.handlers})
  --no-annotate     only write the config
  --dry-run         print what would change (each added line under its operation), write nothing
  --force           overwrite an existing cache.config.ts
  --cwd <dir>       folder to run in
  -h, --help        show this help`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('init', args, {
      spec: { type: 'string' },
      output: { type: 'string' },
      handlers: { type: 'string' },
      'no-annotate': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      cwd: { type: 'string' },
    });
    const cwd = resolvePath(io.cwd, values.cwd ?? '.');
    const given = values.spec ?? positionals[0];
    const specFile = given ? resolvePath(io.cwd, given) : SPEC_CANDIDATES.map((c) => join(cwd, c)).find((c) => existsSync(c));
    if (!specFile) throw new UsageError(`no spec given and none found (tried ${SPEC_CANDIDATES.join(', ')} in ${cwd}); run \`cachegen init path/to/openapi.yaml\``);
    const dryRun = values['dry-run'] === true;
    const log = (line: string) => io.stdout.write(line + '\n');

    const spec = await loadSpec(specFile);
    const existing = findConfigFile(cwd);
    const configFile = join(cwd, 'cache.config.ts');
    if (existing && !values.force) log(`kept ${relativeSpecifier(cwd, existing)} (use --force to overwrite)`);
    else {
      const text = configFileText({
        spec: relativeSpecifier(cwd, spec.file),
        output: values.output ?? DEFAULT_PATHS.output,
        handlers: values.handlers ?? DEFAULT_PATHS.handlers,
      });
      if (!dryRun) await writeFile(configFile, text);
      log(`${dryRun ? 'would write' : 'wrote'} cache.config.ts`);
    }

    if (values['no-annotate']) return 0;
    const { insertions, skipped } = planAnnotations(spec, buildIr(spec));
    const texts = new Map<string, string>();
    for (const file of new Set(insertions.map((i) => i.file))) texts.set(file, await readFile(file, 'utf8'));
    const updated = applyInsertions(texts, insertions);
    for (const [file, text] of updated) {
      if (!dryRun) await writeFile(file, text);
      const inFile = insertions.filter((i) => i.file === file).sort((a, b) => a.offset - b.offset);
      const ops = inFile.map((i) => i.operation);
      log(`${dryRun ? 'would annotate' : 'annotated'} ${ops.length} operation${ops.length === 1 ? '' : 's'} in ${relativeSpecifier(cwd, file)}: ${ops.join(', ')}`);
      if (dryRun) for (const insertion of inFile) log(describeInsertion(relativeSpecifier(cwd, file), insertion));
    }
    if (insertions.length === 0) log('no GET operation without x-cache: spec unchanged');
    if (skipped.length) log(`skipped (flow-style YAML or $ref into a file's middle; annotate by hand): ${skipped.join(', ')}`);
    log('next: review the annotations, then run `cachegen lint` and `cachegen generate`');
    return 0;
  },
};
