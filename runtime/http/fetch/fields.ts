/**
 * Which header fields a stored response keeps (RFC 9111 §3.1, RFC 9110 §7.6.1) and how a newer
 * response updates them (RFC 9111 §3.2). Header lists are `[name, value]` pairs with lower-case
 * names, Set-Cookie lines kept apart.
 */
import type { CacheControlDirectives } from '../cache-control.js';
import { fieldNames } from '../syntax.js';

export type FieldList = Array<[string, string]>;

/** RFC 9110 §7.6.1: fields that describe one connection, removed before forwarding (so before storing). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade'];
/** RFC 9111 §3.1: fields specific to the client's proxy are never stored. */
const PROXY_FIELDS = ['proxy-authenticate', 'proxy-authentication-info', 'proxy-authorization'];
/**
 * RFC 9111 §3.2: never updated from a newer response: Content-Length; and what this cache
 * stores processed (fetch decodes the content coding) or processes itself (Content-Range).
 */
const NOT_UPDATED = new Set(['content-length', 'content-encoding', 'content-range']);

/** RFC 9111 §3.1, RFC 9110 §7.6.1: names this response's fields must not be stored under. */
function excludedNames(headers: Headers, directives: CacheControlDirectives, shared: boolean): Set<string> {
  const names = new Set([...HOP_BY_HOP, ...PROXY_FIELDS, ...fieldNames(headers.get('connection'))]);
  // no-cache="f": f is never reused unvalidated (all caches); private="f": never stored by a shared one (§5.2.2.4, §5.2.2.7).
  if (Array.isArray(directives.noCache)) for (const name of directives.noCache) names.add(name);
  if (shared && Array.isArray(directives.private)) for (const name of directives.private) names.add(name);
  if (shared) names.add('set-cookie');
  return names;
}

/** The fields of `headers` a cache stores (RFC 9111 §3.1). */
export function storedFields(headers: Headers, directives: CacheControlDirectives, shared: boolean): FieldList {
  const excluded = excludedNames(headers, directives, shared);
  const out: FieldList = [];
  headers.forEach((value, name) => { if (!excluded.has(name)) out.push([name, value]); });
  return out;
}

/** RFC 9111 §3.2: `stored` updated by a newer response's fields — each replaces every value of its name, except the excluded ones. */
export function updatedFields(stored: FieldList, newer: Headers, directives: CacheControlDirectives, shared: boolean): FieldList {
  const fresh = storedFields(newer, directives, shared).filter(([name]) => !NOT_UPDATED.has(name));
  const replaced = new Set(fresh.map(([name]) => name));
  return [...stored.filter(([name]) => !replaced.has(name)), ...fresh];
}
