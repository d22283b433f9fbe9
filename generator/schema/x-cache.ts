/**
 * The x-cache extension, written once: zod validates annotations in specs, and the same schemas are
 * published as JSON Schema (generator/schema/x-cache.schema.json, exported as cachegen/x-cache.schema.json) so editors complete and check them.
 */
import { z } from 'zod';
import { issuesWithSuggestions, type PathIssue } from './did-you-mean.js';
import { DURATION_FORMS, DURATION_PATTERN, durationSeconds } from './duration.js';

/** A duration in whole seconds: `300` or `"5m"` (s, m, h, d), parsed to seconds. */
export const durationSchema = z
  .union([
    z.number().int('must be whole seconds').min(0, 'must be 0 or more seconds'),
    z.string().regex(DURATION_PATTERN, {
      // A quoted number is the usual slip: say what to write instead.
      error: (issue) => (/^\d+$/.test(String(issue.input)) ? `is the text "${String(issue.input)}": write ${String(issue.input)} (seconds) or "${String(issue.input)}s"` : `must be ${DURATION_FORMS}`),
    }),
  ], { error: `must be ${DURATION_FORMS}` })
  .transform((value, ctx) => {
    const seconds = durationSeconds(value);
    if (seconds === undefined) ctx.addIssue({ code: 'custom', message: 'is too long a duration' });
    return seconds ?? z.NEVER;
  });

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name (or "*")');
const queryNames = z.array(z.string().min(1));

/** `key`: an allow-list or an ignore-list of query parameters, exactly one of them. */
const keySchema = z
  .strictObject({
    ignoreQuery: queryNames.describe('Query parameters left out of the key; globs such as "utm_*".'),
    query: queryNames.describe('The only query parameters that make up the key.'),
  })
  .partial()
  .refine((key) => (key.ignoreQuery === undefined) !== (key.query === undefined), {
    message: 'must have exactly one of ignoreQuery: [names] or query: [names]',
    // After an unknown field (a misspelt list) this would only repeat the problem.
    when: (payload) => payload.issues.length === 0,
  })
  .describe('Which query parameters make up the cache key: an allow-list (query) or an ignore-list (ignoreQuery).');

/** Fields shared by `x-cache` and `x-cache-defaults`. Unknown fields are errors (catches typos). */
export const xCacheSchema = z
  .strictObject({
    ttl: durationSchema.describe('How long the response stays fresh (Cache-Control max-age): seconds, or "5m" (s, m, h, d).'),
    swr: durationSchema.describe('How long a stale response may be served while one background refresh runs (stale-while-revalidate).'),
    staleIfError: durationSchema.describe('How long a stale response may be served when the origin fails (stale-if-error).'),
    scope: z.enum(['public', 'private']).describe('public: one entry shared by every caller; private: keyed by caller identity, never shared.'),
    sMaxAge: durationSchema.describe('Shared-cache (CDN) freshness (s-maxage): seconds, or "1h".'),
    vary: z.array(headerName).describe('Request headers that change the response: part of the key and sent in Vary.'),
    tags: z.array(z.string().min(1)).describe('Tag templates for invalidation, e.g. "product:{id}", "item:{response.items[].id}".'),
    revalidate: z.boolean().describe('true: store, but send Cache-Control no-cache so clients revalidate with ETag.'),
    sensitive: z.boolean().describe('true: Cache-Control no-store; never stored in any tier.'),
    key: keySchema,
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
export type XCacheIssue = PathIssue;

/**
 * Validates an annotation; returns the parsed value (durations in seconds) and the issues found.
 * A field that is invalid is left out of the value, never replaced by a default: what the
 * operation's policy becomes then is the IR's decision (it must fail closed).
 */
export function validateXCache(value: unknown): { value: XCache; issues: XCacheIssue[] } {
  const result = xCacheSchema.safeParse(value);
  if (result.success) return { value: result.data, issues: [] };
  const kept: Record<string, unknown> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const shape = xCacheSchema.shape as Record<string, z.ZodType>;
    for (const [field, fieldValue] of Object.entries(value)) {
      const parsed = shape[field]?.safeParse(fieldValue);
      if (parsed?.success) kept[field] = parsed.data;
    }
  }
  return { value: kept as XCache, issues: issuesWithSuggestions(xCacheSchema, result.error.issues, 'field') };
}

/** Validates `x-cache-invalidates`; issues carry the index of the bad entry. */
export function validateInvalidates(value: unknown): { value: string[]; issues: XCacheIssue[] } {
  const result = xCacheInvalidatesSchema.safeParse(value);
  if (result.success) return { value: result.data, issues: [] };
  const valid = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
  return { value: valid, issues: result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })) };
}

/** Every operation of a path item, where x-cache and x-cache-invalidates may stand. */
const OPERATION_KEYS = ['get', 'head', 'options', 'trace', 'put', 'post', 'patch', 'delete'] as const;

/** One extension as JSON Schema for editors (draft-07): what users write, so a duration is 300 or "5m". */
function editorSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    override: ({ zodSchema, jsonSchema }) => {
      // The refine that allows one list only, stated so editors check it too.
      if (zodSchema === keySchema) jsonSchema.oneOf = [{ required: ['ignoreQuery'] }, { required: ['query'] }];
    },
  });
  const { $schema: _ignored, ...rest } = json as Record<string, unknown>;
  return rest;
}

/**
 * The JSON Schema published for editors: an OpenAPI document as far as cachegen's extensions go.
 * It follows `paths` to every operation and checks x-cache and x-cache-invalidates there, and
 * x-cache-defaults at the root; everything else is left to OpenAPI tools. Map it to your spec
 * files (docs/x-cache.md, editor support) for completion, hover text and errors as you type.
 */
export function xCacheJsonSchema(): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'cachegen extensions in an OpenAPI document',
    description: 'x-cache (on GET/HEAD operations), x-cache-invalidates (on mutations) and x-cache-defaults (at the root); the rest of the document is not checked here.',
    type: 'object',
    properties: {
      'x-cache-defaults': ref('x-cache-defaults'),
      paths: { type: 'object', additionalProperties: ref('path-item') },
    },
    definitions: {
      'path-item': { type: 'object', properties: Object.fromEntries(OPERATION_KEYS.map((key) => [key, ref('operation')])) },
      operation: { type: 'object', properties: { 'x-cache': ref('x-cache'), 'x-cache-invalidates': ref('x-cache-invalidates') } },
      'x-cache': editorSchema(xCacheSchema),
      'x-cache-invalidates': editorSchema(xCacheInvalidatesSchema),
      'x-cache-defaults': editorSchema(xCacheDefaultsSchema),
    },
  };
}
