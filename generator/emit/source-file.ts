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
  const flat = flatLiteral(value, LINE_WIDTH - indent.length);
  if (flat !== undefined) return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    return '[\n' + value.map((v) => inner + codeLiteral(v, inner) + ',\n').join('') + indent + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return '{\n' + entries.map(([k, v]) => `${inner}${key(k)}: ${codeLiteral(v, inner)},\n`).join('') + indent + '}';
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/** The one-line form, or undefined as soon as it would exceed `budget` characters (so nesting stays linear). */
function flatLiteral(value: unknown, budget: number): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') throw new TypeError(`cannot print a ${typeof value} as generated code`);
  const isArray = Array.isArray(value);
  const entries = isArray ? (value as unknown[]).map((v) => [undefined, v] as const) : Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return isArray ? '[]' : '{}';
  let out = isArray ? '[' : '{ ';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    const item = flatLiteral(v, budget - out.length);
    if (item === undefined) return undefined;
    out += (i > 0 ? ', ' : '') + (k === undefined ? '' : `${key(k)}: `) + item;
    if (out.length > budget) return undefined;
  }
  out += isArray ? ']' : ' }';
  return out.length > budget ? undefined : out;
}
