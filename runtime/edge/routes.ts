/**
 * The part of a spec an edge needs, one entry per operation: from a generated route table at
 * run time (`edgeRoutes(routeTable)`), from the IR at build time (generator/edge). Both
 * sides plan from this one shape, so what `cachegen edge nginx` lets nginx cache is exactly
 * what the nginx adapter knows how to purge.
 */
import type { CachePolicy } from '../http/policy.js';
import type { TagTemplateSpec } from '../tags/types.js';
import type { OperationSpec } from '../fastify/operation.js';

export interface EdgeRoute {
  operationId: string;
  /** Upper case: `GET`, `POST`, … */
  method: string;
  /** The path template, OpenAPI (`/products/{id}`) or Fastify (`/products/:id`) form. */
  path: string;
  /** The x-cache policy; undefined when the operation is not cached. */
  policy?: CachePolicy;
  tags: readonly TagTemplateSpec[];
  /** Names of the declared query parameters. */
  query: readonly string[];
}

/** One piece of a path template. */
export type PathSegment = { kind: 'literal'; text: string } | { kind: 'param'; name: string };

/** The edge's view of a generated route table (server.ts exports it as `routeTable`). */
export function edgeRoutes(operations: readonly OperationSpec[]): EdgeRoute[] {
  return operations.map((op) => ({
    operationId: op.operationId,
    method: op.method,
    path: op.url,
    ...(op.cache ? { policy: op.cache.policy } : {}),
    tags: op.cache?.tags ?? [],
    query: Object.keys((op.schema.querystring?.properties as Record<string, unknown> | undefined) ?? {}),
  }));
}

/** `/products/{id}` or `/products/:id` → literal `products`, param `id`. A segment mixing text and a parameter is one param-bearing literal: see `isPlainParam`. */
export function pathSegments(path: string): PathSegment[] {
  return path.split('/').filter((s) => s !== '').map((segment) => {
    const braces = /^\{([^{}]+)\}$/.exec(segment);
    if (braces) return { kind: 'param', name: braces[1]! };
    if (segment.startsWith(':') && /^:[A-Za-z0-9_$-]+$/.test(segment)) return { kind: 'param', name: segment.slice(1) };
    return { kind: 'literal', text: segment };
  });
}

/** True when a literal segment still holds a parameter (`/files/{name}.json`): edges do not cache those here. */
export function hasEmbeddedParam(segment: PathSegment): boolean {
  return segment.kind === 'literal' && /[{}]|^:/.test(segment.text);
}

/** Whether an edge may share this operation's responses: a public, non-sensitive cached GET. */
export function isEdgeCacheable(route: EdgeRoute): route is EdgeRoute & { policy: CachePolicy } {
  return route.method.toUpperCase() === 'GET' && !!route.policy && route.policy.scope === 'public' && !route.policy.sensitive;
}
