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

/** Escapes for characters that may not stand as they are inside a single-quoted literal. */
const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Any string as a single-quoted TypeScript string literal whose value is exactly `text`: quotes,
 * backslashes, control characters, line and paragraph separators and lone surrogates are
 * escaped. The one way spec strings enter generated code as data (docs/architecture.md, invariant 5).
 */
export function quote(text: string): string {
  let out = "'";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    const escaped = ESCAPES[ch];
    if (escaped) out += escaped;
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) out += ch + text[++i];
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out + "'";
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * An object key as TypeScript source: bare when it is an identifier, quoted otherwise, and
 * `__proto__` computed (`['__proto__']`), because a plain `__proto__:` key sets the prototype
 * instead of defining a property.
 */
export function propertyKey(name: string): string {
  if (name === '__proto__') return `[${quote(name)}]`;
  return IDENTIFIER.test(name) ? name : quote(name);
}

/**
 * Spec text (a summary, a tag, a title) made safe inside a `//` or `/** *\/` comment: one line
 * (line breaks, separators and control characters become spaces) and no `*\/` to end the comment.
 */
export function commentText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
    .replace(/\*\//g, '*\\/')
    .replace(/ {2,}/g, ' ')
    .trim();
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
  return '{\n' + entries.map(([k, v]) => `${inner}${propertyKey(k)}: ${codeLiteral(v, inner)},\n`).join('') + indent + '}';
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
    out += (i > 0 ? ', ' : '') + (k === undefined ? '' : `${propertyKey(k)}: `) + item;
    if (out.length > budget) return undefined;
  }
  out += isArray ? ']' : ' }';
  return out.length > budget ? undefined : out;
}
