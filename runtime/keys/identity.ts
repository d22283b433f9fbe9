/**
 * Caller identity for `scope: private` keys: an HMAC-SHA256, under a secret, of the request
 * values the operation's security schemes name (its credential), so keys (which end up in Redis
 * and in logs) never carry the raw credential. Server and client build it here, from the same
 * sources (docs/architecture.md, invariant 4).
 */
import { createHash, createHmac } from 'node:crypto';
import { encodeComponent } from './encode.js';
import { readHeader, type HeaderBag } from './headers.js';
import { boundedMemo } from './memo.js';

/**
 * Where an operation's caller identity comes from, as the security schemes of its spec declare
 * it: an apiKey scheme names its header, cookie or query parameter; http (bearer, basic), oauth2
 * and openIdConnect schemes mean the `authorization` header. Header names are lower-case.
 * Server and client key private entries by exactly these values (docs/architecture.md, invariant 4).
 */
export interface IdentitySource {
  in: 'header' | 'cookie' | 'query';
  name: string;
}

/** What a server with only a `secret` keys by when an operation's table names no source (hand-written tables). */
export const AUTHORIZATION_SOURCE: IdentitySource = { in: 'header', name: 'authorization' };

/** Maps a credential to its digest; memoized so a cache hit does not pay for the HMAC. */
export type IdentityDigest = (credential: string) => string;

/**
 * A memoized HMAC-SHA256 (base64url) keyed by `secret`. The memo keeps the `maxEntries`
 * most recently used credentials (a Map in insertion order; the oldest is dropped first).
 */
export function createIdentityDigest(secret: string, maxEntries = 10_000): IdentityDigest {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error('keys: `secret` must be a string of at least 16 characters (it keys the HMAC of the caller\'s credential)');
  }
  return boundedMemo(maxEntries, (credential: string) => createHmac('sha256', secret).update(credential).digest('base64url'));
}

/**
 * The caller's credential as `sources` name it: every present source's raw value, each tagged
 * with where it came from (`header:authorization=…&cookie:sid=…`), or undefined when none is
 * present. Raw, undecoded values: two spellings of one credential are two identities (a miss,
 * never a leak). A cookie or query parameter sent twice contributes every value.
 */
export function credentialOf(
  sources: readonly IdentitySource[],
  headers: HeaderBag | undefined,
  query: string | Record<string, unknown> | undefined,
): string | undefined {
  let credential: string | undefined;
  for (const source of sources) {
    const values = sourceValues(source, headers, query);
    if (values.length === 0) continue;
    const part = source.in + ':' + encodeComponent(source.name) + '=' + values.map(encodeComponent).join(',');
    credential = credential === undefined ? part : credential + '&' + part;
  }
  return credential;
}

/** The non-empty values one source has in the request. */
function sourceValues(source: IdentitySource, headers: HeaderBag | undefined, query: string | Record<string, unknown> | undefined): string[] {
  if (source.in === 'header') {
    const value = readHeader(headers, source.name.toLowerCase());
    return value === undefined || value === '' ? [] : [value];
  }
  if (source.in === 'cookie') return pairValues(readHeader(headers, 'cookie'), ';', source.name);
  if (typeof query === 'string') return pairValues(query.startsWith('?') ? query.slice(1) : query, '&', source.name);
  const value = query?.[source.name];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v) => v !== undefined && v !== null && v !== '').map(String);
}

/** The values of `name` in `a=1; b=2` (cookies) or `a=1&b=2` (a query; names compared percent-decoded). */
function pairValues(text: string | undefined, separator: string, name: string): string[] {
  if (!text) return [];
  const values: string[] = [];
  for (const pair of text.split(separator)) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const value = pair.slice(at + 1).trim();
    if (value !== '' && decodedName(pair.slice(0, at).trim(), separator === '&') === name) values.push(value);
  }
  return values;
}

function decodedName(raw: string, percentEncoded: boolean): string {
  if (!percentEncoded || !raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The key part for an identity `identify` gave (REST, GraphQL, gRPC): `i` and the escaped id, or
 * `h` and its SHA-256 when long (just as unique). Anything but a non-empty string (a Promise, an
 * object, a number) is no identity: undefined, never `[object Promise]` shared by every caller.
 * Never throws (a lone surrogate is escaped, not refused).
 */
export function identityPart(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  const encoded = encodeComponent(id);
  return encoded.length <= 128 ? 'i' + encoded : 'h' + createHash('sha256').update(encoded).digest('base64url');
}
