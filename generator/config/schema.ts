/**
 * What a valid cache.config.ts is, and every way one can be wrong: each problem a line that starts
 * with its option path (`lint.rules.ttl-exceeds-max`, `cdc.postgres.tables.products.tags[0]`).
 */
import { z } from 'zod';
import { validateRuleConfig } from '../lint/lint.js';
import type { RuleSeverityConfig } from '../lint/types.js';
import { dashboardConfigSchema } from '../ops/config.js';
import { issuesWithSuggestions } from '../schema/did-you-mean.js';

const level = z.enum(['off', 'warn', 'error']);
const ruleSetting = z.union([level, z.tuple([level]), z.tuple([level, z.record(z.string(), z.unknown())])], {
  error: 'must be "off", "warn", "error" or [level, { options }]',
});

/** A required path: "is required" when absent, "must be a string" when of another type. */
function requiredPath(what: string) {
  return z.string({ error: (issue) => `${issue.input === undefined ? 'is required' : 'must be a string'}: ${what}` }).min(1, `must not be empty: ${what}`);
}

export const configSchema = z.strictObject({
  spec: requiredPath('the path of the OpenAPI spec'),
  output: requiredPath('the folder generated files are written to'),
  handlers: z.string().min(1).optional(),
  runtimeImport: z.string().min(1).optional(),
  lint: z.strictObject({ rules: z.record(z.string(), ruleSetting).optional() }).optional(),
  cdc: z.unknown().optional(),
  dashboard: z.unknown().optional(),
});

/** `root` then the path: `cdc.postgres.tables.products.tags[0]`. */
export function optionPath(path: readonly PropertyKey[], root?: string): string {
  let out = root ?? '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out;
}

/** Zod issues as problem lines under `root`; an unknown option names the closest valid one. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], root?: string): string[] {
  return issuesWithSuggestions(schema, issues, 'option').map(({ path, message }) => `${optionPath(path, root) || '(config)'}: ${message}`);
}

function sectionOf(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

/** The `cdc` section's problems, by the schema the CDC runtime itself applies (loaded only when there is a section). */
async function cdcProblems(cdc: unknown): Promise<string[]> {
  if (cdc === undefined) return [];
  const { cdcConfigSchema } = await import('@cachegen/runtime/cdc');
  const result = cdcConfigSchema.safeParse(cdc);
  return result.success ? [] : describeIssues(cdcConfigSchema as unknown as z.ZodType, result.error.issues, 'cdc');
}

/** Every problem of a config object, each a line starting with its option path: all of them, not the first. */
export async function configProblems(raw: unknown): Promise<string[]> {
  const problems: string[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) problems.push(...describeIssues(configSchema, parsed.error.issues));
  const rules = sectionOf(sectionOf(raw, 'lint'), 'rules');
  if (typeof rules === 'object' && rules !== null && !Array.isArray(rules)) problems.push(...validateRuleConfig(rules as RuleSeverityConfig));
  const dashboard = sectionOf(raw, 'dashboard');
  if (dashboard !== undefined) {
    const result = dashboardConfigSchema.safeParse(dashboard);
    if (!result.success) problems.push(...describeIssues(dashboardConfigSchema, result.error.issues, 'dashboard'));
  }
  problems.push(...(await cdcProblems(sectionOf(raw, 'cdc'))));
  return problems;
}
