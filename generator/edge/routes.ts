/** The IR as the edge generators read it: one EdgeRoute per operation, and paths ordered for matching. */
import type { EdgeRoute, PathSegment } from '@cachegen/runtime/edge';
import type { IrDocument } from '../ir/types.js';

/** Every operation of the spec as an EdgeRoute (the shape the runtime's nginx adapter plans from too). */
export function edgeRoutesOf(ir: IrDocument): EdgeRoute[] {
  return ir.operations.map((op) => ({
    operationId: op.operationId,
    method: op.method.toUpperCase(),
    path: op.path,
    ...(op.cache ? { policy: op.cache.policy } : {}),
    tags: op.cache?.tags ?? [],
    query: op.parameters.filter((p) => p.in === 'query').map((p) => p.name),
  }));
}

/** Most specific first: more literal segments, then more segments, then by text (deterministic output). */
export function bySpecificity(a: { segments: PathSegment[]; path: string }, b: { segments: PathSegment[]; path: string }): number {
  const literals = (s: PathSegment[]) => s.filter((x) => x.kind === 'literal').length;
  return literals(b.segments) - literals(a.segments) || b.segments.length - a.segments.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
