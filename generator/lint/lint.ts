/** Runs the lint rules over the IR and returns problems sorted by file, line and column. */
import type { IrDocument, SourceLocation } from '../ir/types.js';
import { didYouMean } from '../schema/did-you-mean.js';
import { irRules, rules } from './rules/index.js';
import type { Problem, RuleLevel, RuleSeverityConfig, RuleSetting, Severity } from './types.js';

/** Every rule id lint knows, for config validation and docs. */
export const ruleIds: string[] = [...rules.map((r) => r.id), ...irRules.map((r) => r.id)];

/** Splits an ESLint-style setting into its level and options. */
export function parseSetting(setting: RuleSetting | undefined): { level?: RuleLevel; options: Record<string, unknown> } {
  if (setting === undefined) return { options: {} };
  if (typeof setting === 'string') return { level: setting, options: {} };
  return { level: setting[0], options: setting[1] ?? {} };
}

/** Checks a rule configuration; returns messages naming `lint.rules.<id>` for each bad entry. */
export function validateRuleConfig(config: RuleSeverityConfig): string[] {
  const errors: string[] = [];
  for (const [id, setting] of Object.entries(config)) {
    if (!ruleIds.includes(id)) {
      const hint = didYouMean(id, ruleIds);
      errors.push(`lint.rules.${id}: unknown rule${hint || ` (rules: ${ruleIds.join(', ')})`}`);
      continue;
    }
    const { options } = parseSetting(setting);
    const message = rules.find((r) => r.id === id)?.validateOptions?.(options);
    if (message) errors.push(`lint.rules.${id}: ${message}`);
  }
  return errors;
}

function toProblem(rule: string, severity: Severity, message: string, location: SourceLocation): Problem {
  return { rule, severity, message, file: location.file, line: location.line, column: location.column, pointer: location.pointer };
}

/** Lints an IR; `rules` sets levels and options per rule id, like ESLint. */
export function lint(ir: IrDocument, options: { rules?: RuleSeverityConfig } = {}): Problem[] {
  const config = options.rules ?? {};
  const problems: Problem[] = [];
  const levelToSeverity = (level: RuleLevel | undefined, fallback: Severity): Severity | undefined =>
    level === 'off' ? undefined : level === 'warn' ? 'warning' : level === 'error' ? 'error' : fallback;

  for (const diagnostic of ir.diagnostics ?? []) {
    const severity = levelToSeverity(parseSetting(config[diagnostic.rule]).level, 'error');
    if (severity) problems.push(toProblem(diagnostic.rule, severity, diagnostic.message, diagnostic.location));
  }
  for (const rule of rules) {
    const { level, options: userOptions } = parseSetting(config[rule.id]);
    if (level === 'off') continue;
    const ruleOptions = { ...(rule.defaultOptions ?? {}), ...userOptions };
    rule.check(ir, {
      options: ruleOptions,
      report({ message, location, severity }) {
        // A configured level wins; otherwise the report's own severity, then the rule's default.
        const effective = levelToSeverity(level, severity ?? rule.defaultSeverity);
        if (effective) problems.push(toProblem(rule.id, effective, message, location));
      },
    });
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** True when any problem is an error (the CLI then exits 1). */
export function hasErrors(problems: Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
