/** Cache keys for GraphQL requests. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../keys/query.js';
import { normalizeOperation, type NormalizedOperation } from './normalize.js';

export interface GraphqlRequest {
  query: string;
  variables?: unknown;
  operationName?: string | null;
}

const MEMO_LIMIT = 2_000;
/** Clients send the same few documents over and over: normalize each text once. */
const memo = new Map<string, NormalizedOperation & { digest: string }>();

/** The normalized operation of a request, memoized by (operationName, query text). Throws GraphqlNormalizeError on invalid documents. */
export function normalizeRequest(request: GraphqlRequest): NormalizedOperation & { digest: string } {
  const memoKey = (request.operationName ?? '') + '\n' + request.query;
  let found = memo.get(memoKey);
  if (found === undefined) {
    const normalized = normalizeOperation(request.query, request.operationName);
    found = { ...normalized, digest: createHash('sha256').update(normalized.canonical).digest('base64url') };
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    memo.set(memoKey, found);
  }
  return found;
}

/**
 * `gql|<operationName>|<sha256 of the canonical operation>|<variables>`: equal for requests
 * that differ only in field order, argument order, fragments, whitespace or comments; different
 * when aliases, arguments, variables or the operation differ. Variables are canonical JSON
 * (sorted keys), hashed with SHA-256 when longer than 256 characters.
 * Throws GraphqlNormalizeError when the document does not parse.
 */
export function graphqlKey(request: GraphqlRequest): string {
  const normalized = normalizeRequest(request);
  const variables = request.variables === undefined || request.variables === null ? '{}' : canonicalJson(request.variables);
  const variablesPart = variables.length <= 256 ? encodeURIComponent(variables) : '#' + createHash('sha256').update(variables).digest('base64url');
  return 'gql|' + encodeURIComponent(normalized.operationName) + '|' + normalized.digest + '|' + variablesPart;
}
