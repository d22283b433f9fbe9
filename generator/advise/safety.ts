/**
 * Whether an operation may be cached at all, judged by the lint rules themselves: advise adds
 * the x-cache it would suggest to a copy of the IR and lints it (default rule levels; a
 * project's config cannot switch this off). A shared answer to an authenticated call becomes
 * `scope: private`, as auth-without-identity asks; any other error, and any secret-looking
 * field (no-store-violation, even as a warning), means "do not cache".
 */
import { parseTagTemplate } from '@cachegen/runtime';
import { effectivePolicy, varyOnParameters } from '../ir/policy.js';
import type { IrCache, IrDocument, IrOperation, TagTemplate } from '../ir/types.js';

import { lint } from '../lint/lint.js';
import type { Problem } from '../lint/types.js';
import { validateXCache, type XCache } from '../schema/x-cache.js';

/** What lint allows for one candidate: the annotation (scope possibly made private), or why not to cache. */
export interface Judgement {
  annotation: XCache;
  blocked?: string;
}

/** Rules whose report, at any severity, means the response must not be stored. */
const BLOCKING_AT_ANY_SEVERITY = new Set(['no-store-violation', 'set-cookie-shared']);

function candidateCache(op: IrOperation, defaults: XCache, annotation: XCache): IrCache {
  const policy = effectivePolicy(defaults, annotation);
  const tags = policy.tags.flatMap((source): TagTemplate[] => {
    const parsed = parseTagTemplate(source);
    return 'parts' in parsed ? [{ source, parts: parsed.parts, location: op.location }] : [];
  });
  const cache: IrCache = { policy, tags, location: op.location, fields: {}, explicit: Object.keys(annotation) as IrCache['explicit'], implicitVary: [], invalid: false };
  varyOnParameters(cache, op.parameters);
  return cache;
}

/** Problems lint reports for each candidate operation when every candidate carries its annotation. */
function lintCandidates(ir: IrDocument, annotations: Map<IrOperation, XCache>): Map<IrOperation, Problem[]> {
  const rootDefaults = ir.bundled['x-cache-defaults'];
  const defaults = rootDefaults === undefined ? {} : validateXCache(rootDefaults).value;
  const operations = ir.operations.map((op) => {
    const annotation = annotations.get(op);
    return annotation ? { ...op, cache: candidateCache(op, defaults, annotation) } : op;
  });
  const problems = lint({ ...ir, operations, diagnostics: [] });
  const byOperation = new Map<IrOperation, Problem[]>();
  for (const op of annotations.keys()) {
    const where = op.location;
    byOperation.set(op, problems.filter((p) => p.file === where.file && p.pointer === where.pointer));
  }
  return byOperation;
}

function blockingProblem(problems: Problem[]): Problem | undefined {
  return problems.find((p) => p.severity === 'error' || BLOCKING_AT_ANY_SEVERITY.has(p.rule));
}

/** Judges every candidate annotation with the lint rules; see the module comment. */
export function judgeCandidates(ir: IrDocument, candidates: Map<IrOperation, XCache>): Map<IrOperation, Judgement> {
  const judged = new Map<IrOperation, Judgement>();
  // With a broken x-cache-defaults every x-cache is read as invalid (never stored): nothing to suggest until it is fixed.
  const brokenDefaults = (ir.diagnostics ?? []).find((d) => d.rule === 'valid-x-cache' && d.location.pointer.startsWith('#/x-cache-defaults'));
  if (brokenDefaults) {
    for (const [op, annotation] of candidates) judged.set(op, { annotation, blocked: `valid-x-cache: ${brokenDefaults.message} (fix x-cache-defaults first: cachegen lint)` });
    return judged;
  }
  const first = lintCandidates(ir, candidates);
  const retry = new Map<IrOperation, XCache>();
  for (const [op, problems] of first) {
    const annotation = candidates.get(op)!;
    const sharedWithAuth = problems.some((p) => p.rule === 'auth-without-identity');
    if (sharedWithAuth && annotation.scope !== 'private' && !problems.some((p) => BLOCKING_AT_ANY_SEVERITY.has(p.rule))) {
      retry.set(op, { ...annotation, scope: 'private' });
      continue;
    }
    const blocking = blockingProblem(problems);
    judged.set(op, blocking ? { annotation, blocked: `${blocking.rule}: ${blocking.message}` } : { annotation });
  }
  if (retry.size > 0) {
    for (const [op, problems] of lintCandidates(ir, retry)) {
      const annotation = retry.get(op)!;
      const blocking = blockingProblem(problems);
      judged.set(op, blocking ? { annotation, blocked: `${blocking.rule}: ${blocking.message}` } : { annotation });
    }
  }
  return judged;
}
