/** `--format github`: GitHub Actions workflow commands, shown as annotations on the pull request. */
import type { Problem } from '../types.js';
import { displayPath } from './relative.js';

/** Escapes data and property values as the workflow-command syntax requires. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error file=…,line=…,col=…,title=…::message` line per problem. */
export function formatGithub(problems: Problem[], cwd: string): string {
  return problems
    .map((p) => `::${p.severity === 'error' ? 'error' : 'warning'} file=${escapeProperty(displayPath(p.file, cwd))},line=${p.line},col=${p.column},title=${escapeProperty(`cachegen ${p.rule}`)}::${escapeData(p.message)}\n`)
    .join('');
}
