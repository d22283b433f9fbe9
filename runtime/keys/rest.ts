/**
 * Cache keys for REST operations.
 *
 * Layout (every variable part passes through `encodeComponent`, so it never contains a
 * delimiter and no value can imitate another part):
 *
 *   rest|<operationId>|u:<identity>|p:<name>=<value>&…|q:<normalized query>|h:<header>=<value>&…
 *
 * `u:` appears only for `scope: private`; `h:` lists the policy's `vary` headers in order,
 * `=` followed by the value as the handler reads it, or nothing after the name when the header is absent
 * (so an absent header and an empty one differ). A credential (Authorization, Cookie, an apiKey
 * header or query parameter) appears only as its HMAC. Keys longer than `maxLength` keep
 * `rest|<operationId>|u:<identity>|` and hash the rest with SHA-256.
 */
import { randomBytes } from 'node:crypto';
import type { CachePolicy } from '../http/policy.js';
import { boundKey } from './bound.js';
import { encodeComponent } from './encode.js';
import { readHeader, type HeaderBag } from './headers.js';
import { AUTHORIZATION_SOURCE, createIdentityDigest, credentialOf, identityPart, type IdentitySource } from './identity.js';
import { boundedMemo } from './memo.js';
import { createQueryFilter, normalizeQuery, type QueryRedaction } from './query.js';

/** Headers that carry credentials whatever the spec says: never in a key as sent (lint and the IR read this list too). */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie'];

export interface RestKeyInput {
  operationId: string;
  /** Path parameters, decoded (as Fastify gives them). */
  params: Record<string, string | number | undefined>;
  /**
   * The query as the handler receives it: the object the server's query parser (and schema
   * coercion) produced, or a raw query string (with or without `?`), parsed as Fastify's default
   * parser parses it.
   */
  query: string | Record<string, unknown>;
  headers: HeaderBag;
}

export interface RestKeyOptions {
  policy: Pick<CachePolicy, 'vary' | 'scope' | 'key'>;
  /**
   * HMAC secret (16+ characters) for identities taken from the caller's credential (`identity`),
   * and for credentials in the key (below). Without one, those credentials are keyed under a
   * random secret of this keyer: still never raw, but no other process produces the same key.
   */
  secret?: string;
  /** Where the credential is (the operation's `cache.identity`); default the Authorization header. */
  identity?: readonly IdentitySource[];
  /**
   * Request values that are credentials, as the spec's security schemes name them (an apiKey
   * header or query parameter). Their values, those of the `identity` sources and those of
   * Authorization, Proxy-Authorization and Cookie enter the key (through `vary` or the query)
   * only as their HMAC.
   */
  credentials?: readonly IdentitySource[];
  /** The caller's identity (e.g. a user id) from the request; wins over the credential. Anything but a non-empty string: anonymous. */
  identify?: (input: RestKeyInput) => string | undefined;
  /** Longest key before the part after the identity is hashed; default 512. */
  maxLength?: number;
}

/** Builds a REST key from one request; undefined means "do not cache": a private operation called without an identity. */
export type RestKeyer = (input: RestKeyInput) => string | undefined;

/**
 * A key builder for one operation's policy. Public scope: the same request gives the same key
 * for every caller. Private scope: the key carries the caller's identity, and a request
 * without one gets `undefined` (serve it uncached: a private response is never shared).
 * Throws at creation when a private policy has neither `identify` nor a `secret`.
 */
export function createRestKeyer(options: RestKeyOptions): RestKeyer {
  const { policy } = options;
  const maxLength = options.maxLength ?? 512;
  if (!Number.isInteger(maxLength) || maxLength < 64) {
    throw new Error(`keys: maxLength must be an integer of at least 64 (got ${String(options.maxLength)})`);
  }
  const filter = createQueryFilter(policy.key);
  const vary = (policy.vary ?? []).map((name) => name.toLowerCase());
  const varyPrefixes = vary.map((name, i) => (i === 0 ? 'h:' : '&') + encodeComponent(name));
  const isPrivate = policy.scope === 'private';
  if (isPrivate && !options.identify && !options.secret) {
    throw new Error('keys: a `scope: private` policy needs `identify(request)` or a `secret` to key responses by caller identity');
  }
  const digest = isPrivate && options.secret ? createIdentityDigest(options.secret) : undefined;
  const sources = options.identity ?? [AUTHORIZATION_SOURCE];
  const credentials = [...sources, ...(options.credentials ?? [])];
  const credentialHeaders = new Set([...CREDENTIAL_HEADERS, ...credentials.filter((c) => c.in === 'header').map((c) => c.name.toLowerCase())]);
  const hashedVary = vary.map((name) => credentialHeaders.has(name));
  const credentialQuery = new Set(credentials.filter((c) => c.in === 'query').map((c) => c.name));
  // Only built when something needs it: a random secret is fine (keys stay private to this keyer), never the raw value.
  const credentialDigest = hashedVary.includes(true) || credentialQuery.size > 0
    ? createIdentityDigest(options.secret ?? randomBytes(32).toString('base64url'))
    : undefined;
  const redaction: QueryRedaction | undefined = credentialQuery.size > 0 ? { names: credentialQuery, digest: credentialDigest! } : undefined;
  const identify = options.identify;
  const headsByOperation = new Map<string, string>();
  // Cache hits are repeated requests: the same raw query string normalizes the same way, so
  // remember the last few thousand (bounded, oldest first out, so unique queries cannot grow it).
  const memoQuery = boundedMemo(4096, (query: string) => normalizeQuery(query, filter, redaction));
  const normalizedQuery = (query: RestKeyInput['query']): string =>
    typeof query !== 'string' || query.length > 1024 ? normalizeQuery(query, filter, redaction) : memoQuery(query);

  const identityOf = (input: RestKeyInput): string | undefined => {
    if (identify) {
      const part = identityPart(identify(input));
      if (part !== undefined) return part;
    }
    if (digest) {
      const credential = credentialOf(sources, input.headers, input.query);
      if (credential !== undefined) return 'a' + digest(credential);
    }
    return undefined;
  };

  return (input) => {
    let head = headsByOperation.get(input.operationId);
    if (head === undefined) {
      head = 'rest|' + encodeComponent(input.operationId) + '|';
      if (headsByOperation.size < 4096) headsByOperation.set(input.operationId, head);
    }
    if (isPrivate) {
      const identity = identityOf(input);
      if (identity === undefined) return undefined;
      head += 'u:' + identity + '|';
    }
    let rest = 'p:';
    const params = input.params;
    if (params) {
      const names = Object.keys(params);
      if (names.length > 1) names.sort();
      let first = true;
      for (const name of names) {
        const value = params[name];
        if (value === undefined) continue;
        rest += (first ? '' : '&') + encodeComponent(name) + '=' + encodeComponent(String(value));
        first = false;
      }
    }
    rest += '|q:' + normalizedQuery(input.query);
    if (vary.length > 0) {
      rest += '|';
      for (let i = 0; i < vary.length; i++) {
        const value = readHeader(input.headers, vary[i]!);
        rest += varyPrefixes[i]!;
        if (value !== undefined) rest += '=' + (hashedVary[i] ? credentialDigest!(value) : encodeComponent(value));
      }
    }
    return boundKey(head, rest, maxLength);
  };
}
