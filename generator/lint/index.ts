export { lint, hasErrors, ruleIds, validateRuleConfig, parseSetting } from './lint.js';
export { rules, irRules } from './rules/index.js';
export type { Problem, Rule, RuleContext, RuleLevel, RuleSetting, RuleSeverityConfig, Severity } from './types.js';
