/**
 * `cachegen explain [spec]`: per operation, the effective policy, what makes up its cache key, its
 * tags, and the exact Cache-Control and Vary headers it will send.
 */
import { cacheControl, varyHeader } from '@cachegen/runtime';
import { formatTagParts } from '@cachegen/runtime';
import { isMutation } from '../../ir/method.js';
import type { IrOperation } from '../../ir/types.js';
import { loadProject } from '../../project.js';
import { oneOf, parseCommandArgs, projectOptions } from '../args.js';
import { colors, wantsColor, type Colors } from '../color.js';
import type { Command } from '../command.js';
import { projectOptionsFrom } from '../project-args.js';

/** What explain says about one operation (also the `--format json` shape). */
export interface Explanation {
  operationId: string;
  method: string;
  path: string;
  cached: boolean;
  policy?: Record<string, unknown>;
  key?: string[];
  tags?: string[];
  cacheControl?: string;
  vary?: string;
  inherited?: string[];
  invalidates?: string[];
}


/** The parts of the cache key of a cached operation, in the order the runtime combines them. */
export function keyParts(op: IrOperation): string[] {
  const policy = op.cache!.policy;
  const parts = [`operation ${op.operationId}`];
  const pathParams = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  if (pathParams.length) parts.push(`path ${pathParams.join(', ')}`);
  const query = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  if (policy.key.query) parts.push(`query ${policy.key.query.join(', ') || '(none)'} only`);
  else if (policy.key.ignoreQuery?.length) parts.push(`query (all${query.length ? `: ${query.join(', ')}` : ''}) except ${policy.key.ignoreQuery.join(', ')}`);
  else parts.push(`query (all${query.length ? `: ${query.join(', ')}` : ''}), sorted`);
  if (policy.vary.length) parts.push(`headers ${policy.vary.join(', ')}`);
  if (policy.scope === 'private') parts.push('identity of the caller (HMAC of Authorization, or identify())');
  return parts;
}

/** Explains one operation. */
export function explainOperation(op: IrOperation): Explanation {
  const base = { operationId: op.operationId, method: op.method.toUpperCase(), path: op.path };
  if (!op.cache || isMutation(op)) {
    const out: Explanation = { ...base, cached: false };
    if (op.invalidates.length) out.invalidates = op.invalidates.map((t) => t.source);
    return out;
  }
  const { policy } = op.cache;
  const { tags: _tags, ...shown } = policy;
  const explanation: Explanation = {
    ...base,
    cached: !policy.sensitive,
    policy: shown,
    key: policy.sensitive ? [] : keyParts(op),
    tags: op.cache.tags.map((t) => formatTagParts(t.parts)),
    cacheControl: cacheControl(policy),
    inherited: (Object.keys(op.cache.fields) as string[]).filter((f) => !(op.cache!.explicit as string[]).includes(f)),
  };
  const vary = varyHeader(policy);
  if (vary) explanation.vary = vary;
  return explanation;
}

function describePolicy(policy: Record<string, unknown>): string {
  const parts = [`ttl ${policy.ttl}s`];
  if (policy.swr) parts.push(`swr ${policy.swr}s`);
  if (policy.staleIfError) parts.push(`stale-if-error ${policy.staleIfError}s`);
  parts.push(`scope ${policy.scope}`);
  if (policy.sMaxAge !== undefined) parts.push(`s-maxage ${policy.sMaxAge}s`);
  if (policy.revalidate) parts.push('revalidate');
  if (policy.sensitive) parts.push('sensitive (never stored)');
  return parts.join(' · ');
}

function render(e: Explanation, c: Colors): string {
  const title = `${c.bold(e.operationId)}  ${c.cyan(e.method)} ${e.path}`;
  const rows: Array<[string, string]> = [];
  if (!e.policy) {
    rows.push(['cache', c.dim('not cached')]);
    if (e.invalidates) rows.push(['invalidates', e.invalidates.join(', ')]);
  } else {
    rows.push(['policy', describePolicy(e.policy)]);
    if (e.key?.length) rows.push(['key', e.key.join(' + ')]);
    if (e.tags?.length) rows.push(['tags', e.tags.join(', ')]);
    rows.push(['Cache-Control', e.cacheControl ?? '']);
    rows.push(['Vary', e.vary ?? c.dim('(none)')]);
    if (e.inherited?.length) rows.push(['defaults', `${e.inherited.join(', ')} from x-cache-defaults`]);
  }
  return [title, ...rows.map(([label, value]) => `  ${c.dim(label.padEnd(14))} ${value}`)].join('\n');
}

export const command: Command = {
  summary: 'Show each operation\'s effective cache policy, key and headers',
  help: `Usage: cachegen explain [spec] [options]

For every operation (or one, with --operation): the effective policy (x-cache-defaults
merged), the parts of its cache key, its tags, and the exact Cache-Control and Vary
headers the generated server sends.

Options:
  --operation <id>  only this operationId
  --format <f>      table (default) or json
  -c, --config <f>  config file (default: cache.config.ts in the current folder)
  --spec <file>     spec to read (same as the argument)
  --cwd <dir>       folder to run in
  -h, --help        show this help`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('explain', args, { ...projectOptions, operation: { type: 'string' }, format: { type: 'string', short: 'f' } });
    const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
    const { ir } = await loadProject(projectOptionsFrom(values, positionals, io.cwd));
    let operations = ir.operations;
    if (values.operation) {
      operations = operations.filter((op) => op.operationId === values.operation);
      if (operations.length === 0) {
        io.stderr.write(`cachegen explain: no operation "${values.operation}" (operations: ${ir.operations.map((o) => o.operationId).join(', ')})\n`);
        return 2;
      }
    }
    const explanations = operations.map(explainOperation);
    if (format === 'json') io.stdout.write(JSON.stringify({ operations: explanations }, null, 2) + '\n');
    else io.stdout.write(explanations.map((e) => render(e, colors(wantsColor(io.stdout)))).join('\n\n') + '\n');
    return 0;
  },
};
