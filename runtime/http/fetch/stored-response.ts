/**
 * How cachedFetch keeps a response: plain JSON (so it survives the Redis tier unchanged), with
 * the body as base64, the request/response times (RFC 9111 §4.2.3) and the secondary key
 * (§4.1). A stored 206 records which bytes it holds (§3.3).
 */
import { parseCacheControl, type CacheControlDirectives } from '../cache-control.js';
import { storedFields, type FieldList } from './fields.js';
import type { ByteSpan } from './ranges.js';
import { secondaryKey, varyNames, type SecondaryKey } from './vary.js';

export interface StoredResponse {
  status: number;
  statusText: string;
  /** Lower-case names; what RFC 9111 §3.1 lets a cache keep. */
  headers: FieldList;
  /** base64 */
  body: string;
  /** ms, this cache's clock: when the request left, when the response arrived (or was last validated). */
  requestTime: number;
  responseTime: number;
  /** The normalized values of the request fields Vary names. */
  vary: SecondaryKey;
  /** On a stored partial response (206): the bytes it holds. */
  span?: ByteSpan;
}

/** Every stored response of one URI (and credentials): variants, and partial responses. */
export interface StoredEntry {
  v: 2;
  responses: StoredResponse[];
}

/** Whether `value` is an entry as cachedFetch writes it (anything else read back from a store is a miss, never an error). */
export function isStoredEntry(value: unknown): value is StoredEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<StoredEntry>;
  return entry.v === 2 && Array.isArray(entry.responses) && entry.responses.every(isStoredResponse);
}

function isStoredResponse(value: unknown): value is StoredResponse {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<StoredResponse>;
  return Number.isInteger(r.status) && r.status! >= 200 && r.status! <= 599 && typeof r.statusText === 'string'
    && Array.isArray(r.headers) && r.headers.every((f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string')
    && typeof r.body === 'string' && Number.isFinite(r.requestTime) && Number.isFinite(r.responseTime)
    && typeof r.vary === 'object' && r.vary !== null && Object.values(r.vary).every((v) => v === null || typeof v === 'string')
    && (r.span === undefined || (typeof r.span === 'object' && r.span !== null
      && Number.isInteger(r.span.start) && Number.isInteger(r.span.end) && Number.isInteger(r.span.size)));
}

/** What capture() needs besides the response. */
export interface Capture {
  body: Uint8Array;
  request: Headers;
  requestTime: number;
  responseTime: number;
  directives: CacheControlDirectives;
  shared: boolean;
  span?: ByteSpan;
}

/** A response as stored (RFC 9111 §3.1 fields only). */
export function capture(response: Response, c: Capture): StoredResponse {
  const stored: StoredResponse = {
    status: response.status,
    statusText: response.statusText,
    headers: storedFields(response.headers, c.directives, c.shared),
    body: Buffer.from(c.body.buffer, c.body.byteOffset, c.body.byteLength).toString('base64'),
    requestTime: c.requestTime,
    responseTime: c.responseTime,
    vary: secondaryKey(varyNames(response.headers), c.request),
  };
  if (c.span) stored.span = c.span;
  return stored;
}

/** The Headers of a stored response. */
export function headersOf(stored: StoredResponse): Headers {
  return new Headers(stored.headers);
}

/** The Cache-Control directives of a stored response. */
export function directivesOf(stored: StoredResponse): CacheControlDirectives {
  return parseCacheControl(stored.headers.find(([name]) => name === 'cache-control')?.[1]);
}

/** The value of one (non-list) field of a stored response, or null. */
export function fieldOf(stored: StoredResponse, name: string): string | null {
  return stored.headers.find(([n]) => n === name)?.[1] ?? null;
}

/** The stored body's bytes. */
export function bytesOf(stored: StoredResponse): Uint8Array {
  return Buffer.from(stored.body, 'base64');
}

/** Whether this stored response holds a whole representation (not a part of one). */
export function isComplete(stored: StoredResponse): boolean {
  return stored.span === undefined;
}

/** A fresh, unconsumed Response with `headers` and `body` (null for HEAD and bodiless statuses). */
export function toResponse(status: number, statusText: string, headers: Headers, body: Uint8Array | null): Response {
  const bodiless = body === null || status === 204 || status === 205 || status === 304;
  return new Response(bodiless ? null : body, { status, statusText, headers });
}
