/**
 * The cachegen rules as a Redocly plugin, so `redocly lint` reports them next to its own:
 *
 *   # redocly.yaml
 *   plugins: ['./node_modules/cachegen/dist/lint/redocly-plugin.js']
 *   extends: [recommended, cachegen/recommended]
 *
 * Each rule runs once per document, on the IR (built once and shared by all rules of a run).
 */
import { readFileSync } from 'node:fs';
import { Source } from '@redocly/openapi-core';
import { buildIr } from '../ir/build.js';
import type { IrDocument } from '../ir/types.js';
import { loadSpecSync } from '../load/load-spec.js';
import { lint } from './lint.js';
import { irRules, rules } from './rules/index.js';
import type { RuleSeverityConfig } from './types.js';

/** The parts of Redocly's plugin shape this plugin uses (openapi-core does not export the type). */
export interface RedoclyPlugin {
  id: string;
  rules: { oas3: Record<string, (options?: Record<string, unknown>) => unknown> };
  configs: Record<string, { rules: Record<string, 'error' | 'warn' | 'off'> }>;
}

const built = new Map<string, { body: string; ir?: IrDocument; error?: string }>();

/** The IR of the document Redocly is linting (its text may not be on disk, e.g. lintFromString). */
function irFor(source: Source): { ir?: IrDocument; error?: string } {
  const hit = built.get(source.absoluteRef);
  if (hit && hit.body === source.body) return hit;
  let entry: { body: string; ir?: IrDocument; error?: string };
  try {
    const spec = loadSpecSync(source.absoluteRef, (file) => (file === source.absoluteRef ? source.body : readFileSync(file, 'utf8')));
    entry = { body: source.body, ir: buildIr(spec) };
  } catch (err) {
    entry = { body: source.body, error: err instanceof Error ? err.message : String(err) };
  }
  built.set(source.absoluteRef, entry);
  return entry;
}

const allIds = [...rules.map((r) => r.id), ...irRules.map((r) => r.id)];

/** A Redocly rule that runs one cachegen rule and reports its problems at their source locations. */
function redoclyRule(id: string) {
  return (options: Record<string, unknown> = {}) => {
    const { severity: _severity, ...ruleOptions } = options;
    return {
      Root: {
        leave(_root: unknown, ctx: { location: { source: Source }; report(problem: Record<string, unknown>): void }) {
          const { ir } = irFor(ctx.location.source);
          if (!ir) return; // Redocly reports documents that do not parse itself.
          // Without options the rule runs at its default level, keeping per-report severities
          // (a private response with a secret field is a warning); with options Redocly's level applies.
          const others = allIds.filter((other) => other !== id).map((other) => [other, 'off'] as const);
          const only: RuleSeverityConfig = Object.fromEntries(Object.keys(ruleOptions).length ? [...others, [id, ['error', ruleOptions]]] : others);
          const sources = new Map<string, Source>([[ctx.location.source.absoluteRef, ctx.location.source]]);
          const defaultSeverity = rules.find((r) => r.id === id)?.defaultSeverity ?? 'error';
          for (const problem of lint(ir, { rules: only })) {
            let source = sources.get(problem.file);
            if (!source) {
              source = new Source(problem.file, readFileSync(problem.file, 'utf8'));
              sources.set(problem.file, source);
            }
            ctx.report({
              message: problem.message,
              // Our locations are keys for mapping entries and the items themselves in lists.
              location: { source, pointer: problem.pointer, reportOnKey: !/\/\d+$/.test(problem.pointer) },
              ...(problem.severity === 'warning' && defaultSeverity === 'error' ? { forceSeverity: 'warn' } : {}),
            });
          }
        },
      },
    };
  };
}

/** The plugin: every cachegen rule as `cachegen/<id>`, and a `cachegen/recommended` config with default levels. */
export const cachegenRedoclyPlugin: RedoclyPlugin = {
  id: 'cachegen',
  rules: { oas3: Object.fromEntries(allIds.map((id) => [id, redoclyRule(id)])) },
  configs: {
    recommended: {
      rules: Object.fromEntries([
        ...rules.map((r) => [`cachegen/${r.id}`, r.defaultSeverity === 'error' ? 'error' : 'warn']),
        ...irRules.map((r) => [`cachegen/${r.id}`, 'error']),
      ]),
    },
  },
};

/** The module's default export in Redocly's plugin format: a function returning the plugin. */
export default function cachegenPlugin(): RedoclyPlugin {
  return cachegenRedoclyPlugin;
}
