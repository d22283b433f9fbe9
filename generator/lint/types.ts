/** What lint rules are and what they report. */
import type { IrDocument, SourceLocation } from '../ir/types.js';

export type Severity = 'error' | 'warning';

/** One problem found in a spec (the `lint --format json` contract). */
export interface Problem {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  pointer: string;
}

/** How a user configures a rule, like ESLint: a level, or a level with options. */
export type RuleLevel = 'off' | 'warn' | 'error';
export type RuleSetting = RuleLevel | [RuleLevel, Record<string, unknown>?];
export type RuleSeverityConfig = Record<string, RuleSetting>;

/** What a rule sees while it runs. */
export interface RuleContext<Options = Record<string, unknown>> {
  /** The rule's options, defaults merged with what the user configured. */
  options: Options;
  /** Reports a problem at `location`; `severity` overrides the rule's default for this one report. */
  report(problem: { message: string; location: SourceLocation; severity?: Severity }): void;
}

/** A lint rule: reads only the IR. */
export interface Rule<Options = Record<string, unknown>> {
  id: string;
  /** One line: what the rule forbids and why. */
  description: string;
  defaultSeverity: Severity;
  defaultOptions?: Options;
  /** Checks user options; returns a message naming the bad option, or undefined when fine. */
  validateOptions?(options: Record<string, unknown>): string | undefined;
  check(ir: IrDocument, context: RuleContext<Options>): void;
}
