/**
 * Bounded key length. Over the limit, the part after the identity is replaced by its
 * SHA-256, so the identity stays readable (per-user invalidation, debugging) and a collision
 * would need a SHA-256 collision, never a cheap one that could serve one user's data to another.
 */
import { createHash } from 'node:crypto';

/** `head + rest` when it fits in `maxLength`, else `head + '#' + sha256(rest)` (base64url). */
export function boundKey(head: string, rest: string, maxLength: number): string {
  if (head.length + rest.length <= maxLength) return head + rest;
  return head + '#' + createHash('sha256').update(rest).digest('base64url');
}
