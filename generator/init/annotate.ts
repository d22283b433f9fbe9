/**
 * Adds example x-cache annotations to a spec by inserting text, so everything else in the file —
 * comments, key order, quoting, blank lines — stays byte for byte as it was.
 */
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import type { LoadedSpec } from '../load/load-spec.js';
import { resolveRefTarget } from '../load/source.js';
import type { IrDocument, IrOperation } from '../ir/types.js';

/** One insertion into one file. */
export interface Insertion {
  file: string;
  offset: number;
  /** The 1-based line the text goes in front of (or into, for a JSON member on the same line). */
  line: number;
  text: string;
  /** The operation the annotation is for: its operationId, method and path. */
  operation: string;
  route: string;
}

/** The example annotation for a read: private when it needs authentication, so it lints clean. */
export function exampleAnnotation(op: IrOperation): Record<string, unknown> {
  const needsIdentity = op.security.required || op.security.schemes.length > 0 || op.parameters.some((p) => p.in === 'header' && p.name === 'authorization');
  return needsIdentity ? { ttl: 30, scope: 'private' } : { ttl: 60, swr: 30 };
}

/** Finds the map node of an operation, following `$ref`s for path items in other files. */
function operationNode(spec: LoadedSpec, op: IrOperation): { file: string; pair: Pair<Node, Node> } | undefined {
  let file = spec.file;
  let node: unknown = spec.sources.get(file).document.contents;
  const segments = ['paths', op.path, op.method];
  for (let i = 0; i < segments.length; i++) {
    if (!isMap(node)) return undefined;
    const ref = node.items.find((p) => isScalar(p.key) && p.key.value === '$ref');
    if (ref && isScalar(ref.value) && typeof ref.value.value === 'string') {
      const target = resolveRefTarget(file, ref.value.value);
      if (target.pointer !== '#') return undefined; // refs into the middle of a file: leave them alone
      file = target.file;
      node = spec.sources.get(file).document.contents;
      if (!isMap(node)) return undefined;
    }
    const pair = (node as { items: Array<Pair<Node, Node>> }).items.find((p) => isScalar(p.key) && String(p.key.value) === segments[i]);
    if (!pair) return undefined;
    if (i === segments.length - 1) return { file, pair };
    node = pair.value;
  }
  return undefined;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A YAML value as one line: numbers and booleans as they are, plain words bare, other strings quoted, lists in flow style. */
function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'string') return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** A JSON object on one line with a space after each colon and comma (strings inside left as they are). */
function jsonMember(annotation: Record<string, unknown>): string {
  return `{${Object.entries(annotation).map(([k, v]) => `${JSON.stringify(k)}: ${Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(v)}`).join(', ')}}`;
}

/** Which annotation an operation gets; undefined leaves it alone. */
export type AnnotationFor = (op: IrOperation) => Record<string, unknown> | undefined;

const exampleForReads: AnnotationFor = (op) => (op.method === 'get' ? exampleAnnotation(op) : undefined);

/**
 * Insertions adding `x-cache` to operations without one: by default every GET gets the example
 * annotation; `annotationFor` chooses otherwise (block YAML and JSON; flow-style maps are skipped).
 * An operation that already has an `x-cache` is never touched, whatever `annotationFor` says.
 */
export function planAnnotations(spec: LoadedSpec, ir: IrDocument, annotationFor: AnnotationFor = exampleForReads): { insertions: Insertion[]; skipped: string[] } {
  const insertions: Insertion[] = [];
  const skipped: string[] = [];
  for (const op of ir.operations) {
    const annotation = op.cache ? undefined : annotationFor(op);
    if (!annotation) continue;
    const found = operationNode(spec, op);
    const value = found?.pair.value;
    const first = isMap(value) ? value.items[0] : undefined;
    const firstKey = first?.key as Node | undefined;
    if (!found || !isMap(value) || !firstKey?.range) {
      skipped.push(op.operationId);
      continue;
    }
    const text = spec.sources.get(found.file).text;
    const about = { file: found.file, operation: op.operationId, route: `${op.method.toUpperCase()} ${op.path}` };
    const keyOffset = firstKey.range[0];
    if (value.flow) {
      // JSON (or a YAML flow map): insert a member right before the first one.
      const start = lineStart(text, keyOffset);
      const sameLine = text.slice(start, keyOffset).trim() !== '';
      const indent = sameLine ? '' : text.slice(start, keyOffset);
      const quote = text[keyOffset] === "'" ? "'" : '"';
      const member = `${quote}x-cache${quote}: ${jsonMember(annotation)},`;
      const offset = sameLine ? keyOffset : start;
      insertions.push({ ...about, offset, line: lineNumber(text, offset), text: sameLine ? `${member} ` : `${indent}${member}\n` });
      continue;
    }
    const start = lineStart(text, keyOffset);
    const indent = text.slice(start, keyOffset);
    if (indent.trim() !== '') {
      skipped.push(op.operationId);
      continue;
    }
    const parentIndent = (found.pair.key as Node).range ? text.slice(lineStart(text, (found.pair.key as Node).range![0]), (found.pair.key as Node).range![0]) : '';
    const step = ' '.repeat(Math.max(2, indent.length - parentIndent.length));
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const lines = [`${indent}x-cache:`, ...Object.entries(annotation).map(([k, v]) => `${indent}${step}${k}: ${yamlValue(v)}`)];
    insertions.push({ ...about, offset: start, line: lineNumber(text, start), text: lines.join(newline) + newline });
  }
  return { insertions, skipped };
}

/** Applies insertions to file texts (last offset first, so earlier offsets stay valid). */
export function applyInsertions(texts: Map<string, string>, insertions: Insertion[]): Map<string, string> {
  const out = new Map(texts);
  const sorted = [...insertions].sort((a, b) => b.offset - a.offset);
  for (const insertion of sorted) {
    const text = out.get(insertion.file) ?? '';
    out.set(insertion.file, text.slice(0, insertion.offset) + insertion.text + text.slice(insertion.offset));
  }
  return out;
}
