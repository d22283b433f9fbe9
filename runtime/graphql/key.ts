/** Cache keys for GraphQL requests. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../keys/query.js';
import { boundedMemo } from '../keys/memo.js';
import { normalizeOperation, type NormalizedOperation } from './normalize.js';

export interface GraphqlRequest {
  query: string;
  variables?: unknown;
  operationName?: string | null;
}

const MEMO_LIMIT = 2_000;
/**
 * Clients send the same few documents over and over: normalize each text once. Keyed by
 * `<name length>:<name><query>`, which no other (name, query) pair spells.
 */
const normalized = boundedMemo(MEMO_LIMIT, (memoKey: string): NormalizedOperation & { digest: string } => {
  const colon = memoKey.indexOf(':');
  const end = colon + 1 + Number(memoKey.slice(0, colon));
  const name = memoKey.slice(colon + 1, end);
  const operation = normalizeOperation(memoKey.slice(end), name === '' ? undefined : name);
  return { ...operation, digest: createHash('sha256').update(operation.canonical).digest('base64url') };
});

/** The normalized operation of a request, memoized by (operationName, query text). Throws GraphqlNormalizeError on invalid documents. */
export function normalizeRequest(request: GraphqlRequest): NormalizedOperation & { digest: string } {
  const name = request.operationName == null ? '' : String(request.operationName);
  return normalized(`${name.length}:${name}${request.query}`);
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
