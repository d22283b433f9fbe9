/** `--format pretty`: file:line:column, the message, and a code frame pointing at the column. */
import { readFileSync } from 'node:fs';
import type { Colors } from '../../cli/color.js';
import type { Problem } from '../types.js';
import { displayPath } from './relative.js';

function frame(lines: string[], line: number, column: number, c: Colors): string {
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const gutter = `${n === line ? '>' : ' '} ${String(n).padStart(width)} | `;
    out.push((n === line ? c.bold(gutter) : c.dim(gutter)) + (lines[n - 1] ?? ''));
    if (n === line) out.push(' '.repeat(2 + width) + c.dim(' | ') + ' '.repeat(Math.max(0, column - 1)) + c.red('^'));
  }
  return out.join('\n');
}

/** The human report: one block per problem, then a summary line. */
export function formatPretty(problems: Problem[], cwd: string, c: Colors): string {
  const cache = new Map<string, string[]>();
  const linesOf = (file: string): string[] => {
    let lines = cache.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        lines = [];
      }
      cache.set(file, lines);
    }
    return lines;
  };
  const blocks = problems.map((p) => {
    const label = p.severity === 'error' ? c.red('error') : c.yellow('warning');
    const head = `${c.bold(`${displayPath(p.file, cwd)}:${p.line}:${p.column}`)} ${label} ${p.message} ${c.dim(p.rule)}`;
    const lines = linesOf(p.file);
    return lines.length ? `${head}\n${frame(lines, p.line, p.column, c)}\n` : `${head}\n`;
  });
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const summary = problems.length === 0 ? c.green('No problems found.') : `${errors ? c.red(`${errors} error${errors === 1 ? '' : 's'}`) : '0 errors'}, ${warnings ? c.yellow(`${warnings} warning${warnings === 1 ? '' : 's'}`) : '0 warnings'}`;
  return [...blocks, summary].join('\n') + '\n';
}
