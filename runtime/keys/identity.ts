/**
 * Caller identity for `scope: private` keys: an HMAC-SHA256 of the Authorization header under
 * a server secret, so keys (which end up in Redis and in logs) never carry the raw token.
 */
import { createHmac } from 'node:crypto';

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

/** Maps an Authorization value to its digest; memoized so a cache hit does not pay for the HMAC. */
export type IdentityDigest = (authorization: string) => string;

/**
 * A memoized HMAC-SHA256 (base64url) keyed by `secret`. The memo keeps the `maxEntries`
 * most recently used tokens (a Map in insertion order; the oldest token is dropped first).
 */
export function createIdentityDigest(secret: string, maxEntries = 10_000): IdentityDigest {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error('keys: `secret` must be a string of at least 16 characters (it keys the HMAC of the Authorization header)');
  }
  const memo = new Map<string, string>();
  return (authorization) => {
    let digest = memo.get(authorization);
    if (digest !== undefined) return digest;
    digest = createHmac('sha256', secret).update(authorization).digest('base64url');
    if (memo.size >= maxEntries) memo.delete(memo.keys().next().value!);
    memo.set(authorization, digest);
    return digest;
  };
}
