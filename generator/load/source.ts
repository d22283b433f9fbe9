/**
 * The spec's files as written, and where things are in them: any JSON pointer — followed through
 * `$ref`s across files — maps back to file:line:column.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
// The js-yaml openapi-core bundles with, imported alone: the package's index costs a second to load.
import { parseYaml } from '@redocly/openapi-core/lib/js-yaml/index.js';
import type { SourceLocation } from '../ir/types.js';
import { SpecLoadError } from './errors.js';
import { fromPointer, toPointer } from './pointer.js';

/** One parsed file: its text, plain value, and (built on first use) its syntax tree for positions. */
export interface SourceFile {
  file: string;
  text: string;
  value: unknown;
  document: Document.Parsed;
  lines: LineCounter;
}

/** Parses with `yaml`, which keeps node offsets; throws a SpecLoadError on a syntax error. */
function parseTree(file: string, text: string): { document: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new SpecLoadError(`does not parse: ${message}`, file, pos?.line ?? 1, pos?.col ?? 1);
  }
  return { document, lines };
}

/**
 * Parses one file's text; a syntax error names file:line:column. The value comes from a fast parser
 * (JSON.parse, or the js-yaml that openapi-core bundles with); the position-keeping tree is built only
 * when a location is first asked for, which for most specs is never (lint problems are rare).
 */
export function parseSource(file: string, text: string): SourceFile {
  const isJson = /\.json$/i.test(file);
  let value: unknown;
  let parsed = false;
  try {
    value = isJson ? JSON.parse(text) : parseYaml(text);
    parsed = true;
  } catch {
    // Fall through: the slower parser gives the error with its position (or accepts the YAML).
  }
  let tree: { document: Document.Parsed; lines: LineCounter } | undefined;
  if (!parsed) {
    tree = parseTree(file, text);
    // YAML accepts things JSON does not (trailing commas, comments): hold .json files to JSON.
    if (isJson) checkJson(file, text, tree.lines);
    value = tree.document.toJS({ maxAliasCount: -1 });
  }
  return {
    file,
    text,
    value,
    get document() {
      tree ??= parseTree(file, text);
      return tree.document;
    },
    get lines() {
      tree ??= parseTree(file, text);
      return tree.lines;
    },
  };
}

function checkJson(file: string, text: string, lines: LineCounter): void {
  try {
    JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const { line, col } = lines.linePos(position ? Number(position[1]) : 0);
    throw new SpecLoadError(`is not valid JSON: ${message.replace(/ in JSON at position.*$/, '')}`, file, line, col);
  }
}

/** A `$ref` resolved to the file and pointer it names. */
export interface RefTarget {
  file: string;
  pointer: string;
}

/** Resolves a `$ref` string relative to the file that contains it. Remote (http) refs are not supported. */
export function resolveRefTarget(fromFile: string, ref: string): RefTarget {
  const hash = ref.indexOf('#');
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '#' : ref.slice(hash);
  const file = filePart === '' ? fromFile : resolvePath(dirname(fromFile), decodeURI(filePart));
  return { file, pointer };
}

function isRefObject(value: unknown): value is { $ref: string } {
  return typeof value === 'object' && value !== null && typeof (value as { $ref?: unknown }).$ref === 'string';
}

/** The files of one spec, read on demand and cached; maps pointers to source positions. */
export class SourceSet {
  private readonly files = new Map<string, SourceFile>();

  constructor(private readonly read: (file: string) => string = (file) => readFileSync(file, 'utf8')) {}

  /** Adds an already-parsed file (so loadSpec can read files asynchronously). */
  add(source: SourceFile): void {
    this.files.set(source.file, source);
  }

  /** The parsed file; reads and parses it on first use. Throws SpecLoadError naming the path tried. */
  get(file: string): SourceFile {
    let source = this.files.get(file);
    if (!source) {
      let text: string;
      try {
        text = this.read(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new SpecLoadError(code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})`, file);
      }
      source = parseSource(file, text);
      this.files.set(file, source);
    }
    return source;
  }

  /** Every file read so far, in the order first read. */
  list(): string[] {
    return [...this.files.keys()];
  }

  /** The value a pointer names inside one file, without following refs; undefined when absent. */
  valueAt(file: string, pointer: string): unknown {
    let node: unknown = this.get(file).value;
    for (const segment of fromPointer(pointer)) {
      if (typeof node !== 'object' || node === null) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
    return node;
  }

  /** Follows `$ref`s (across files) until a non-ref value; guards against cycles. */
  deref(file: string, pointer: string): { file: string; pointer: string; value: unknown } {
    let current = { file, pointer, value: this.valueAt(file, pointer) };
    const seen = new Set<string>();
    while (isRefObject(current.value)) {
      const key = `${current.file}${current.pointer}`;
      if (seen.has(key)) break;
      seen.add(key);
      const target = resolveRefTarget(current.file, current.value.$ref);
      current = { ...target, value: this.valueAt(target.file, target.pointer) };
    }
    return current;
  }

  /**
   * Where `segments` (a path from the root of `file`) was written, following `$ref`s on the way.
   * When the path does not exist to the end, the deepest node that does is returned.
   */
  locate(file: string, segments: ReadonlyArray<string | number>): SourceLocation {
    let currentFile = file;
    let path: string[] = [];
    let value: unknown = this.get(file).value;
    for (const raw of segments) {
      const segment = String(raw);
      // Follow refs at every step except when the caller asks for the `$ref` itself.
      const seen = new Set<string>();
      while (isRefObject(value) && segment !== '$ref') {
        const target = resolveRefTarget(currentFile, value.$ref);
        const key = target.file + target.pointer;
        if (seen.has(key)) break;
        seen.add(key);
        try {
          value = this.valueAt(target.file, target.pointer);
        } catch {
          break;
        }
        currentFile = target.file;
        path = fromPointer(target.pointer);
      }
      if (typeof value !== 'object' || value === null || !(segment in (value as object))) break;
      value = (value as Record<string, unknown>)[segment];
      path.push(segment);
    }
    return this.lazyPosition(currentFile, path);
  }

  /**
   * A location whose line and column are computed on first read (they need the syntax tree, which
   * is built only then); file and pointer are known at once.
   */
  lazyPosition(file: string, path: string[]): SourceLocation {
    let resolved: SourceLocation | undefined;
    const resolve = () => (resolved ??= this.position(file, path));
    const location = { file, pointer: toPointer(path) } as SourceLocation;
    Object.defineProperty(location, 'line', { enumerable: true, get: () => resolve().line });
    Object.defineProperty(location, 'column', { enumerable: true, get: () => resolve().column });
    return location;
  }

  /** Line and column of the node at `path` in one file (the key, for a map entry). */
  position(file: string, path: ReadonlyArray<string>): SourceLocation {
    const source = this.get(file);
    let node: unknown = source.document.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    const found: string[] = [];
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
        found.push(segment);
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined) break;
        offset = (item as Node).range?.[0] ?? offset;
        node = item;
        found.push(segment);
      } else break;
    }
    const { line, col } = source.lines.linePos(offset);
    return { file, line, column: col, pointer: toPointer(found) };
  }
}
