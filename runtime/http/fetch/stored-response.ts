/**
 * How cachedFetch keeps a response in the cache: plain JSON (so it survives the Redis tier
 * unchanged), with the body as base64, the request/response times and the values of the
 * request headers named by Vary (the secondary key, RFC 9111 §4.1).
 */
import { normalizeHeaderValue } from '../../keys/headers.js';

export interface StoredResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  /** base64 */
  body: string;
  /** ms, this cache's clock */
  requestTime: number;
  responseTime: number;
  /** Lower-case header name → normalized request value (null: absent). */
  vary: Record<string, string | null>;
}

/** Every stored variant of one URL (one per combination of Vary'd request header values). */
export interface StoredEntry {
  v: 1;
  variants: StoredResponse[];
}

/** Fields never stored (hop-by-hop, RFC 9111 §3.1) and never copied from a 304 (§3.2). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);
const NOT_FROM_304 = new Set([...HOP_BY_HOP, 'content-length', 'content-encoding', 'content-range', 'content-type']);

/** The request header names a response varies on (lower-case), or [] when none. */
export function varyNames(headers: Headers): string[] {
  const vary = headers.get('vary');
  if (vary === null) return [];
  return vary.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
}

/** The secondary key of a request for a response that varies on `names`. */
export function varyValues(names: string[], request: Headers): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of names) {
    const value = request.get(name);
    out[name] = value === null ? null : normalizeHeaderValue(value);
  }
  return out;
}

/** RFC 9111 §4.1: does this request select this stored variant? */
export function matchesVary(stored: StoredResponse, request: Headers): boolean {
  for (const name in stored.vary) {
    const value = request.get(name);
    if ((value === null ? null : normalizeHeaderValue(value)) !== stored.vary[name]) return false;
  }
  return true;
}

/** Two variants answer the same requests when their secondary keys are equal. */
export function sameVariant(a: StoredResponse, b: StoredResponse): boolean {
  const names = Object.keys(a.vary);
  if (names.length !== Object.keys(b.vary).length) return false;
  return names.every((n) => n in b.vary && a.vary[n] === b.vary[n]);
}

/** Captures a response for storage. */
export function toStored(response: Response, body: Uint8Array, requestHeaders: Headers, requestTime: number, responseTime: number): StoredResponse {
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => { if (!HOP_BY_HOP.has(name)) headers.push([name, value]); });
  return {
    status: response.status,
    statusText: response.statusText,
    headers,
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
    requestTime,
    responseTime,
    vary: varyValues(varyNames(response.headers), requestHeaders),
  };
}

/** RFC 9111 §3.2 / §4.3.4: a stored response freshened by a 304, its header fields replaced by the 304's. */
export function freshen(stored: StoredResponse, notModified: Response, requestTime: number, responseTime: number): StoredResponse {
  const headers = new Headers(stored.headers);
  notModified.headers.forEach((value, name) => { if (!NOT_FROM_304.has(name)) headers.set(name, value); });
  const merged: Array<[string, string]> = [];
  headers.forEach((value, name) => merged.push([name, value]));
  return { ...stored, headers: merged, requestTime, responseTime };
}

/** The Headers of a stored response. */
export function storedHeaders(stored: StoredResponse): Headers {
  return new Headers(stored.headers);
}

/** A fresh, unconsumed Response for a stored one (each call decodes its own copy of the body). */
export function toResponse(stored: StoredResponse, headers: Headers, withBody: boolean): Response {
  const nullBody = !withBody || stored.status === 204 || stored.status === 205 || stored.status === 304;
  return new Response(nullBody ? null : Buffer.from(stored.body, 'base64'), {
    status: stored.status,
    statusText: stored.statusText,
    headers,
  });
}
