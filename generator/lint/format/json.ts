/** `--format json`: `{"problems":[{rule,severity,message,file,line,column,pointer}]}` (contract). */
import type { Problem } from '../types.js';

/** The JSON report, one line per problem for readable diffs; files are absolute paths. */
export function formatJson(problems: Problem[]): string {
  const rows = problems.map(({ rule, severity, message, file, line, column, pointer }) => JSON.stringify({ rule, severity, message, file, line, column, pointer }));
  return rows.length ? `{"problems":[\n${rows.join(',\n')}\n]}\n` : '{"problems":[]}\n';
}
