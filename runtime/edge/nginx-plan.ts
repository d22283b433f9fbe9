/**
 * What nginx may cache, and how a tag becomes the URLs to purge. nginx has no tags and
 * ngx_cache_purge removes one cache key per request, so nginx caches an operation only when
 * every tag it carries names the whole URL of each response that carries it:
 *
 *   - every path parameter is in the tag (`product:{id}` on `GET /products/{id}`);
 *   - the query parameters in nginx's key are exactly the ones every tag names (`category:{query.category}`),
 *     and a request with any other keyed parameter goes past nginx's cache to the app;
 *   - no part comes from the response, the request body or a header (those URLs cannot be known);
 *   - no `vary` (one nginx key per URL here).
 *
 * Anything else is refused (not cached by nginx; `cachegen lint` says why with the
 * edge-unpurgeable-tag rule) — the fail-closed choice: nginx caches only what can be purged.
 */
import type { CachePolicy } from '../http/policy.js';
import { createQueryFilter } from '../keys/query.js';
import type { TagPartSpec, TagTemplateSpec } from '../tags/types.js';
import { hasEmbeddedParam, isEdgeCacheable, pathSegments, type EdgeRoute, type PathSegment } from './routes.js';

/** A tag template nginx cannot map to URLs, and why. */
export interface UnmappableTag {
  operationId: string;
  template: TagTemplateSpec;
  reason: string;
}

/** nginx's plan for one cacheable operation. */
export interface NginxRoutePlan {
  route: EdgeRoute & { policy: CachePolicy };
  segments: PathSegment[];
  /** Why nginx must not cache this operation; undefined when it does. */
  refused?: string;
  /** Query parameters in nginx's cache key, sorted; a request with another keyed parameter bypasses nginx's cache. */
  keyQuery: string[];
  /** Query parameter globs the key ignores (x-cache key.ignoreQuery): allowed, and left out of nginx's key. */
  ignoredQuery: string[];
}

/** Plans every edge-cacheable operation and lists the tags nginx cannot map. */
export function planNginx(routes: readonly EdgeRoute[]): { plans: NginxRoutePlan[]; unmappable: UnmappableTag[] } {
  const plans: NginxRoutePlan[] = [];
  const unmappable: UnmappableTag[] = [];
  for (const route of routes) {
    if (!isEdgeCacheable(route)) continue;
    const segments = pathSegments(route.path);
    const keyed = keyedQuery(route);
    const pathParams = segments.flatMap((s) => (s.kind === 'param' ? [s.name] : []));
    let refused: string | undefined;
    let keyQuery: string[] | undefined;
    for (const template of route.tags) {
      const reason = whyUnmappable(template, pathParams, keyed);
      if (reason) {
        unmappable.push({ operationId: route.operationId, template, reason });
        refused ??= `tag "${template.source}" ${reason}`;
        continue;
      }
      const named = queryNames(template);
      keyQuery = keyQuery ? keyQuery.filter((n) => named.includes(n)) : named;
    }
    if (route.policy.vary.length > 0) refused ??= `it varies on ${route.policy.vary.join(', ')}, and nginx purges one URL at a time`;
    if (segments.some(hasEmbeddedParam)) refused ??= 'its path mixes text and a parameter in one segment';
    const key = [...new Set(keyQuery ?? keyed)].sort();
    const odd = key.find((name) => !/^[A-Za-z0-9_]+$/.test(name));
    if (odd) refused ??= `its key has query parameter "${odd}", and nginx's $arg_ variables take letters, digits and _ only`;
    plans.push({
      route, segments, ...(refused ? { refused } : {}),
      keyQuery: key,
      ignoredQuery: route.policy.key.query ? [] : [...(route.policy.key.ignoreQuery ?? [])],
    });
  }
  return { plans, unmappable };
}

/** Declared query parameters that take part in the cache key (x-cache key.query / key.ignoreQuery). */
function keyedQuery(route: EdgeRoute & { policy: { key: { query?: string[]; ignoreQuery?: string[] } } }): string[] {
  const filter = createQueryFilter(route.policy.key);
  return route.query.filter((name) => !filter || filter(name));
}

function queryNames(template: TagTemplateSpec): string[] {
  return template.parts.flatMap((p) => (p.kind === 'query' ? [p.name] : []));
}

/** Why a template cannot name the URLs that carry it; undefined when it can. */
function whyUnmappable(template: TagTemplateSpec, pathParams: string[], keyed: string[]): string | undefined {
  const source = template.parts.find((p) => p.kind === 'response' || p.kind === 'body' || p.kind === 'header');
  if (source) return `is read from the ${source.kind === 'header' ? 'request headers' : source.kind === 'body' ? 'request body' : 'response body'}, so the URLs that carry it cannot be known from the spec`;
  for (let i = 1; i < template.parts.length; i++) {
    if (template.parts[i]!.kind !== 'literal' && template.parts[i - 1]!.kind !== 'literal') return 'has two placeholders with no text between them, so a tag cannot be split back into values';
  }
  const named = template.parts.flatMap((p) => (p.kind === 'path' ? [p.name] : []));
  const missing = pathParams.find((p) => !named.includes(p));
  if (missing) return `does not name the path parameter {${missing}}, so it stands for every URL of the operation`;
  const unkeyed = queryNames(template).find((n) => !keyed.includes(n));
  if (unkeyed) return `names query parameter "${unkeyed}", which is not a declared parameter of the cache key`;
  return undefined;
}

/** Everything a tag's template placeholders could have held: each way of splitting the tag across them (bounded). */
export function matchTag(parts: readonly TagPartSpec[], tag: string, limit = 16): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  const walk = (i: number, at: number, bound: Record<string, string>): void => {
    if (out.length >= limit) return;
    if (i === parts.length) { if (at === tag.length) out.push({ ...bound }); return; }
    const part = parts[i]!;
    if (part.kind === 'literal') {
      if (tag.startsWith(part.text, at)) walk(i + 1, at + part.text.length, bound);
      return;
    }
    const key = part.kind === 'path' ? `path:${part.name}` : part.kind === 'query' ? `query:${part.name}` : '';
    const next = parts[i + 1];
    // A value ends where the next literal starts (or at the end); try every such place. A query
    // value may be empty (`?category=` renders `category:`); a path value never is.
    for (let end = part.kind === 'query' ? at : at + 1; end <= tag.length; end++) {
      if (next?.kind === 'literal' ? !tag.startsWith(next.text, end) : end !== tag.length) continue;
      const value = tag.slice(at, end);
      if (bound[key] !== undefined && bound[key] !== value) continue;
      const had = bound[key];
      bound[key] = value;
      walk(i + 1, end, bound);
      if (had === undefined) delete bound[key]; else bound[key] = had;
    }
  };
  walk(0, 0, {});
  return out;
}

/** The path prefix of purge requests; what follows it is the cache key to remove. */
export const NGINX_PURGE_PREFIX = '/.cachegen-purge';

/** Characters a query value may hold and still be in nginx's key: unreserved ones have one spelling (RFC 3986). */
export const NGINX_QUERY_VALUE = /^[A-Za-z0-9._~-]*$/;

/** nginx's cache key text for a path and the key's query values, as the generated config builds it from `$uri` and `$arg_*`. */
export function nginxKeyUrl(plan: NginxRoutePlan, params: Record<string, string>, query: Record<string, string>): string | undefined {
  let path = '';
  for (const segment of plan.segments) {
    if (segment.kind === 'literal') { path += '/' + segment.text; continue; }
    const value = params[segment.name];
    // A value nginx would not route to this location (empty, or holding a slash once decoded) was never cached there.
    if (value === undefined || value === '' || value.includes('/')) return undefined;
    path += '/' + encodeURIComponent(value);
  }
  if (path === '') path = '/';
  if (plan.keyQuery.length === 0) return path;
  const pairs: string[] = [];
  for (const name of plan.keyQuery) {
    const value = query[name];
    if (value === undefined) return undefined; // nginx caches a request only when it carries every key parameter
    if (!NGINX_QUERY_VALUE.test(value)) return undefined; // nginx does not cache such a request (the config bypasses it)
    pairs.push(`${name}=${value}`);
  }
  return `${path}?${pairs.join('&')}`;
}

/** A function from a tag to the URLs (path and query) nginx may hold it under, for every plan that can map it. */
export function nginxTagUrls(plans: readonly NginxRoutePlan[]): (tag: string) => string[] {
  const cached = plans.filter((p) => !p.refused);
  return (tag) => {
    const urls = new Set<string>();
    for (const plan of cached) {
      for (const template of plan.route.tags) {
        for (const bound of matchTag(template.parts, tag)) {
          const params: Record<string, string> = {};
          const query: Record<string, string> = {};
          for (const [key, value] of Object.entries(bound)) {
            if (key.startsWith('path:')) params[key.slice(5)] = value;
            else query[key.slice(6)] = value;
          }
          const url = nginxKeyUrl(plan, params, query);
          if (url !== undefined) urls.add(url);
        }
      }
    }
    return [...urls];
  };
}
