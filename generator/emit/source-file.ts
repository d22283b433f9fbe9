/**
 * One in-memory ts-morph project per emit run: emitters add imports, interfaces and statements
 * to source files; ts-morph's printer lays them out (two-space indent, single quotes, LF), and
 * data is printed by `codeLiteral` in the same style, so no separate formatting pass is needed.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type SourceFile } from 'ts-morph';

/** A fresh in-memory project with the formatting every generated file shares. */
export function createEmitProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Single,
      newLineKind: NewLineKind.LineFeed,
      useTrailingCommas: true,
    },
  });
}

/** The file's text after the banner, ending with exactly one newline. */
export function printFile(file: SourceFile, banner: string): string {
  return banner + file.getFullText().replace(/\s+$/, '') + '\n';
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const LINE_WIDTH = 100;

/** A string literal in single quotes. */
export function quote(text: string): string {
  return "'" + JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'";
}

/**
 * A JSON value as TypeScript source: single quotes, bare keys where legal, trailing commas,
 * and anything short enough on one line. Deterministic: key order is the value's.
 */
export function codeLiteral(value: unknown, indent = ''): string {
  const flat = flatLiteral(value);
  if (flat.length + indent.length <= LINE_WIDTH || value === null || typeof value !== 'object') return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[\n' + value.map((v) => inner + codeLiteral(v, inner) + ',\n').join('') + indent + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return '{\n' + entries.map(([k, v]) => `${inner}${key(k)}: ${codeLiteral(v, inner)},\n`).join('') + indent + '}';
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

function flatLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return '[' + value.map(flatLiteral).join(', ') + ']';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return '{ ' + entries.map(([k, v]) => `${key(k)}: ${flatLiteral(v)}`).join(', ') + ' }';
  }
  throw new TypeError(`cannot print a ${typeof value} as generated code`);
}
