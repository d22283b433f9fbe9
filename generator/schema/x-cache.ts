/**
 * The x-cache extension, written once: zod validates annotations in specs, and the same schemas are
 * published as JSON Schema (generator/schema/x-cache.schema.json, exported as cachegen/x-cache.schema.json) so editors complete and check them.
 */
import { z } from 'zod';

const seconds = z.number({ error: 'must be a number of seconds' }).int('must be a whole number of seconds').min(0, 'must be 0 or more seconds');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name (or "*")');

/** Fields shared by `x-cache` and `x-cache-defaults`. Unknown fields are errors (catches typos). */
export const xCacheSchema = z
  .strictObject({
    ttl: seconds.describe('Seconds the response stays fresh (Cache-Control max-age).'),
    swr: seconds.describe('Seconds a stale response may be served while one background refresh runs (stale-while-revalidate).'),
    staleIfError: seconds.describe('Seconds a stale response may be served when the origin fails (stale-if-error).'),
    scope: z.enum(['public', 'private']).describe('public: one entry shared by every caller; private: keyed by caller identity, never shared.'),
    sMaxAge: seconds.describe('Shared-cache (CDN) freshness in seconds (s-maxage).'),
    vary: z.array(headerName).describe('Request headers that change the response: part of the key and sent in Vary.'),
    tags: z.array(z.string().min(1)).describe('Tag templates for invalidation, e.g. "product:{id}", "item:{response.items[].id}".'),
    revalidate: z.boolean().describe('true: store, but send Cache-Control no-cache so clients revalidate with ETag.'),
    sensitive: z.boolean().describe('true: Cache-Control no-store; never stored in any tier.'),
    key: z
      .union([
        z.strictObject({ ignoreQuery: z.array(z.string().min(1)).describe('Query parameters left out of the key; globs such as "utm_*".') }),
        z.strictObject({ query: z.array(z.string().min(1)).describe('The only query parameters that make up the key.') }),
      ], { error: 'must be { ignoreQuery: [names] } or { query: [names] }, not both' })
      .describe('Which query parameters make up the cache key: an allow-list or an ignore-list.'),
  })
  .partial()
  .describe('Caching of a GET or HEAD operation by cachegen.');

/** `x-cache-invalidates`: tag templates invalidated after a mutation succeeds. */
export const xCacheInvalidatesSchema = z
  .array(z.string().min(1))
  .describe('Tags invalidated after this mutation succeeds, e.g. "product:{id}" or "product:{body.id}".');

/** `x-cache-defaults` at the document root: the same fields, merged under every operation's x-cache. */
export const xCacheDefaultsSchema = xCacheSchema.describe('Defaults merged under every x-cache annotation in this document.');

export type XCache = z.infer<typeof xCacheSchema>;

/** One validation failure, with the path of the field inside the annotation. */
export interface XCacheIssue {
  path: Array<string | number>;
  message: string;
}

/** Validates an annotation; returns the parsed value (invalid fields dropped) and the issues found. */
export function validateXCache(value: unknown): { value: XCache; issues: XCacheIssue[] } {
  const result = xCacheSchema.safeParse(value);
  if (result.success) return { value: result.data, issues: [] };
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message,
    keys: issue.code === 'unrecognized_keys' ? issue.keys : undefined,
  }));
  // Keep every field that validates on its own, so one typo does not discard the whole annotation.
  const kept: Record<string, unknown> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const shape = xCacheSchema.shape as Record<string, z.ZodType>;
    for (const [field, fieldValue] of Object.entries(value)) {
      const fieldSchema = shape[field];
      if (fieldSchema?.safeParse(fieldValue).success) kept[field] = fieldValue;
    }
  }
  return {
    value: kept as XCache,
    issues: issues.flatMap(({ path, message, keys }) => (keys ? keys.map((k) => ({ path: [...path, k], message })) : [{ path, message }])),
  };
}

/** Validates `x-cache-invalidates`; issues carry the index of the bad entry. */
export function validateInvalidates(value: unknown): { value: string[]; issues: XCacheIssue[] } {
  const result = xCacheInvalidatesSchema.safeParse(value);
  if (result.success) return { value: result.data, issues: [] };
  const valid = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
  return { value: valid, issues: result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })) };
}

/** The JSON Schema published for editors: definitions of the three extensions. */
export function xCacheJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://cachegen.dev/x-cache.schema.json',
    title: 'cachegen OpenAPI extensions',
    description: 'x-cache (on GET/HEAD operations), x-cache-invalidates (on mutations) and x-cache-defaults (at the root).',
    $defs: {
      'x-cache': strip(z.toJSONSchema(xCacheSchema)),
      'x-cache-invalidates': strip(z.toJSONSchema(xCacheInvalidatesSchema)),
      'x-cache-defaults': strip(z.toJSONSchema(xCacheDefaultsSchema)),
    },
  };
}

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}
