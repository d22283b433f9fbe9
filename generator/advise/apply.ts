/**
 * `--apply`: writes the suggested x-cache blocks into the spec by inserting text, as `cachegen
 * init` does (generator/init), so comments and formatting stay; an operation that already has an
 * x-cache is never touched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { applyInsertions, planAnnotations } from '../init/annotate.js';
import type { IrDocument } from '../ir/types.js';
import type { LoadedSpec } from '../load/load-spec.js';
import type { AdviceReport } from './types.js';

export interface Applied {
  /** File → operationIds annotated in it. */
  annotated: Map<string, string[]>;
  /** Operations that could not be annotated by text insertion (flow-style YAML, $ref into a file's middle). */
  skipped: string[];
}

/** Inserts each `cache` verdict's annotation into the spec files; resolves to what was written. */
export async function applyAdvice(spec: LoadedSpec, ir: IrDocument, report: AdviceReport): Promise<Applied> {
  const suggested = new Map(report.operations.filter((op) => op.verdict === 'cache' && op.annotation).map((op) => [op.operationId, op.annotation!]));
  const { insertions, skipped } = planAnnotations(spec, ir, (op) => suggested.get(op.operationId));
  const texts = new Map<string, string>();
  for (const file of new Set(insertions.map((i) => i.file))) texts.set(file, await readFile(file, 'utf8'));
  const annotated = new Map<string, string[]>();
  for (const [file, text] of applyInsertions(texts, insertions)) {
    await writeFile(file, text);
    annotated.set(file, insertions.filter((i) => i.file === file).map((i) => i.operation));
  }
  return { annotated, skipped };
}
