/**
 * Maps a logged request to the spec operation that served it, through the spec's path
 * templates: a literal segment wins over a parameter (`/products/new` before `/products/{id}`),
 * as OpenAPI says, and HEAD falls back to GET as the server does.
 */
import type { IrOperation } from '../ir/types.js';

/** A request matched to an operation, with its path parameters (decoded). */
export interface RouteMatch<T> {
  target: T;
  params: Record<string, string>;
}

interface Node<T> {
  literals: Map<string, Node<T>>;
  param?: { name: string; node: Node<T> };
  /** Upper-case method → target, at the node where a template ends. */
  methods: Map<string, T>;
}

const node = <T>(): Node<T> => ({ literals: new Map(), methods: new Map() });

/** A template's segments: `/products/{id}` → ['products', '{id}']. */
export function templateSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function paramName(segment: string): string | undefined {
  const m = /^\{([^{}]+)\}$/.exec(segment);
  return m ? m[1] : undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A router over operations' path templates; `basePaths` are prefixes (from `servers`) a logged path may carry. */
export class Router<T> {
  private readonly root: Node<T> = node();
  private readonly basePaths: string[];

  constructor(routes: Array<{ operation: Pick<IrOperation, 'method' | 'path'>; target: T }>, basePaths: string[] = []) {
    this.basePaths = basePaths.map((p) => p.replace(/\/+$/, '')).filter((p) => p !== '');
    for (const { operation, target } of routes) {
      let at = this.root;
      for (const segment of templateSegments(operation.path)) {
        const name = paramName(segment);
        if (name !== undefined) {
          at.param ??= { name, node: node() };
          at = at.param.node;
        } else {
          let next = at.literals.get(segment);
          if (!next) at.literals.set(segment, (next = node()));
          at = next;
        }
      }
      at.methods.set(operation.method.toUpperCase(), target);
    }
  }

  /** The operation for method and path (no query), or undefined. */
  match(method: string, path: string): RouteMatch<T> | undefined {
    const found = this.matchPath(method, path);
    if (found || this.basePaths.length === 0) return found;
    for (const base of this.basePaths) {
      if (path.startsWith(base) && (path.length === base.length || path[base.length] === '/')) {
        const inner = this.matchPath(method, path.slice(base.length) || '/');
        if (inner) return inner;
      }
    }
    return undefined;
  }

  private matchPath(method: string, path: string): RouteMatch<T> | undefined {
    const segments = path.split('/').filter((s) => s !== '');
    const params: Record<string, string> = {};
    const target = this.walk(this.root, segments, 0, method, params);
    return target === undefined ? undefined : { target, params };
  }

  /** Depth first, literals before parameters, backing out of a branch whose end lacks the method. */
  private walk(at: Node<T>, segments: string[], i: number, method: string, params: Record<string, string>): T | undefined {
    if (i === segments.length) return at.methods.get(method) ?? (method === 'HEAD' ? at.methods.get('GET') : undefined);
    const literal = at.literals.get(segments[i]!);
    const viaLiteral = literal && this.walk(literal, segments, i + 1, method, params);
    if (viaLiteral !== undefined) return viaLiteral;
    if (!at.param) return undefined;
    const found = this.walk(at.param.node, segments, i + 1, method, params);
    if (found !== undefined) params[at.param.name] = decode(segments[i]!);
    return found;
  }
}

/** True when one template is the other or an ancestor of it (`/products` and `/products/{id}`): a write to one changes what the other reads. */
export function pathsRelated(a: string, b: string): boolean {
  const x = templateSegments(a);
  const y = templateSegments(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const px = paramName(x[i]!) !== undefined;
    const py = paramName(y[i]!) !== undefined;
    if (!px && !py && x[i] !== y[i]) return false;
  }
  return true;
}

/**
 * Resources a write to a concrete path touches: the path, each ancestor (a collection that lists
 * it) and everything below it. A read names its path and sits below each of its ancestors, so a
 * write to `/products/7` touches reads of `/products/7`, `/products` and `/products/7/reviews`,
 * never `/products/8`.
 */
export function writtenResources(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  const out = ['below:/' + segments.join('/')];
  for (let n = segments.length; n >= 1; n--) out.push('/' + segments.slice(0, n).join('/'));
  return out;
}

/** Resources a read of a concrete path depends on (see writtenResources). */
export function readResources(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  const out = ['/' + segments.join('/')];
  for (let n = segments.length - 1; n >= 1; n--) out.push('below:/' + segments.slice(0, n).join('/'));
  return out;
}
