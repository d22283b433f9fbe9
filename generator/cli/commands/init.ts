/** `cachegen init [spec]`: writes cache.config.ts and adds example x-cache annotations to the spec's reads. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve as resolvePath, sep } from 'node:path';
import { findConfigFile } from '../../config/load.js';
import { applyInsertions, planAnnotations } from '../../init/annotate.js';
import { buildIr } from '../../ir/build.js';
import { loadSpec } from '../../load/load-spec.js';
import { parseCommandArgs, UsageError } from '../args.js';
import type { Command } from '../main.js';

const SPEC_CANDIDATES = ['openapi.yaml', 'openapi.yml', 'openapi.json', 'spec/openapi.yaml', 'api/openapi.yaml'];

/** The cache.config.ts init writes; paths relative to the config file. */
export function configTemplate(spec: string, output: string): string {
  return `import { defineConfig } from 'cachegen/config';

export default defineConfig({
  spec: ${JSON.stringify(spec)},
  output: ${JSON.stringify(output)},
  lint: {
    rules: {
      // Like ESLint: 'off' | 'warn' | 'error', or [level, options]. See docs/lint-rules.md.
      // 'ttl-exceeds-max': ['warn', { max: 86400 }],
    },
  },
});
`;
}

function relativeSpecifier(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export const command: Command = {
  summary: 'Create cache.config.ts and add example x-cache annotations to a spec',
  help: `Usage: cachegen init [spec] [options]

Writes cache.config.ts (unless one exists) and adds an example x-cache to every GET
operation that has none: { ttl: 60, swr: 30 }, or { ttl: 30, scope: private } when the
operation needs authentication. Only text is inserted: comments, order and formatting
of the spec stay as they were. Review the annotations, then run \`cachegen lint\`.

Options:
  --spec <file>     the spec (default: the argument, else openapi.yaml/.yml/.json here)
  --output <dir>    output folder written into the config (default ./src/generated)
  --no-annotate     only write the config
  --dry-run         print what would change, write nothing
  --force           overwrite an existing cache.config.ts
  --cwd <dir>       folder to run in
  -h, --help        show this help`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('init', args, {
      spec: { type: 'string' },
      output: { type: 'string' },
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
      const text = configTemplate(relativeSpecifier(cwd, spec.file), values.output ?? './src/generated');
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
      const ops = insertions.filter((i) => i.file === file).map((i) => i.operation);
      log(`${dryRun ? 'would annotate' : 'annotated'} ${ops.length} operation${ops.length === 1 ? '' : 's'} in ${relativeSpecifier(cwd, file)}: ${ops.join(', ')}`);
      if (dryRun) for (const insertion of insertions.filter((i) => i.file === file)) log(insertion.text.replace(/^/gm, '+ ').trimEnd());
    }
    if (insertions.length === 0) log('no GET operation without x-cache: spec unchanged');
    if (skipped.length) log(`skipped (flow-style YAML or $ref into a file's middle; annotate by hand): ${skipped.join(', ')}`);
    log('next: review the annotations, then run `cachegen lint` and `cachegen generate`');
    return 0;
  },
};
