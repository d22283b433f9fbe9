/**
 * The context of one request through cachedFetch (an Exchange, with the Env it shares with the
 * others) and its I/O: sending to the origin, reading and writing the URI's entry, and turning
 * stored responses into answers.
 */
import { createHash } from 'node:crypto';
import type { Cache, CacheMark } from '../../cache/index.js';
import type { CacheControlDirectives } from '../cache-control.js';
import { cacheStatus, type CacheStatusResult } from '../cache-status.js';
import type { Freshness, FreshnessPolicy } from './freshness.js';
import { contentRange, type ByteSpan, type RangeSpec } from './ranges.js';
import { bytesOf, isStoredEntry, toResponse, type StoredEntry, type StoredResponse } from './stored-response.js';

/** RFC 9111 §1.2.2: the largest Age sent. */
const MAX_AGE = 2 ** 31;

/** What one cachedFetch shares between its requests. */
export interface Env {
  cache: Cache;
  network: typeof fetch;
  name: string;
  shared: boolean;
  now: () => number;
  policy: FreshnessPolicy;
  storageTtl: number;
  maxResponses: number;
  waitUntil: (work: Promise<unknown>) => void;
  /** Keys with a stale-while-revalidate refresh running. */
  refreshing: Set<string>;
  /** Misses on their way to the origin, by key: an identical miss waits for the first one's response. */
  inflight: Map<string, Promise<StoredResponse | undefined>>;
  /** Lower-case request headers whose values are part of every key (the caller's credentials). */
  credentialHeaders: readonly string[];
}

/** One request on its way through the cache: the context every step reads and adds to. */
export interface Exchange {
  readonly env: Env;
  readonly request: Request;
  readonly method: 'GET' | 'HEAD';
  /** The target URI without its fragment (RFC 9110 §7.1). */
  readonly url: string;
  /** Storage key: name, a hash of the credentials, the URI. */
  readonly key: string;
  readonly requestCC: CacheControlDirectives;
  /** The single byte range a GET asks for. */
  readonly range?: RangeSpec;
  /** What is stored for the URI, read once. */
  entry?: StoredEntry;
  /** Told about the response this request stores (collapsed forwarding). */
  onStored?: (stored: StoredResponse) => void;
}

/** A response from the origin, with the times RFC 9111 §4.2.3 needs and the cache mark taken before it left. */
export interface Arrival {
  response: Response;
  requestTime: number;
  responseTime: number;
  since: CacheMark | undefined;
}

/** Sends the request (with `extra` headers) after taking the cache's mark, so an invalidation meanwhile wins (#11.7). */
export async function send(x: Exchange, extra: Record<string, string>): Promise<Arrival> {
  const since = await markOf(x);
  let request = x.request;
  if (Object.keys(extra).length > 0) {
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    request = new Request(request, { headers });
  }
  const requestTime = x.env.now();
  let response: Response;
  try {
    response = await x.env.network(request);
  } catch (error) {
    throw new OriginFailure(error);
  }
  return { response, requestTime, responseTime: x.env.now(), since };
}

/** The network failed (as opposed to the cache): what the caller of fetch gets, unless a stale response may stand in. */
export class OriginFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('origin unreachable', { cause });
  }
}

/** The cache's mark for the key, or undefined when the cache cannot give one (then nothing is stored). */
async function markOf(x: Exchange): Promise<CacheMark | undefined> {
  try {
    return await x.env.cache.mark(x.key);
  } catch {
    return undefined;
  }
}

/** What is stored for the request's URI (and credentials); undefined when nothing is, or the cache fails. */
export async function readEntry(x: Exchange): Promise<StoredEntry | undefined> {
  try {
    const entry = await x.env.cache.get<unknown>(x.key);
    return isStoredEntry(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the URI's responses, unless the cache could not be marked before the request left. */
export async function writeEntry(x: Exchange, entry: StoredEntry, since: CacheMark | undefined): Promise<void> {
  if (since === undefined) return;
  try {
    await x.env.cache.set<StoredEntry>(x.key, entry, { ttl: x.env.storageTtl, tags: [uriTag(x.env.name, x.url)], since });
  } catch {
    // A cache that cannot store only costs a future miss.
  }
}

/** A stored response as the answer: its fields, Age now (§4, §5.1) and Cache-Status. */
export function serve(x: Exchange, stored: StoredResponse, f: Freshness, result: CacheStatusResult): Response {
  return toResponse(stored.status, stored.statusText, responseHeaders(x.env, f, result), x.method === 'HEAD' ? null : bytesOf(stored));
}

/** RFC 9111 §3.3: part of a stored response, always as a 206 with its Content-Range. */
export function servePart(x: Exchange, stored: StoredResponse, span: ByteSpan, f: Freshness): Response {
  const offset = stored.span?.start ?? 0;
  const body = bytesOf(stored).subarray(span.start - offset, span.end - offset + 1);
  const headers = responseHeaders(x.env, f, { status: 'hit', ttl: f.left });
  headers.set('content-range', contentRange(span));
  headers.set('content-length', String(body.byteLength));
  return toResponse(206, 'Partial Content', headers, body);
}

/** A stored response's fields as sent: Age replaced by the current age (§4), Cache-Status appended. */
export function responseHeaders(env: Env, f: Freshness, result: CacheStatusResult): Headers {
  const headers = new Headers(f.headers);
  headers.set('age', String(Math.min(MAX_AGE, Math.max(0, Math.floor(f.age)))));
  headers.set('cache-status', withStatus(headers.get('cache-status'), cacheStatus(result, env.name)));
  return headers;
}

/** The origin's response, re-made from its bytes (the body was read to store it), with Cache-Status. */
export function reply(response: Response, body: Uint8Array, env: Env, result: Omit<CacheStatusResult, 'status'>): Response {
  const headers = new Headers(response.headers);
  headers.set('cache-status', withStatus(headers.get('cache-status'), cacheStatus({ status: 'miss', ...result }, env.name)));
  return toResponse(response.status, response.statusText, headers, body);
}

/** Reads and discards a body (so the connection can be reused). */
export async function drain(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}

/** Cache-Status lists caches from the origin outwards: ours (closest to the client) goes last. */
function withStatus(existing: string | null, ours: string): string {
  return existing ? `${existing}, ${ours}` : ours;
}

/** RFC 9111 §5.2.1.7, §4.2.4: the answer when no acceptable stored response exists and the network may not be used. */
export function gatewayTimeout(env: Env, detail: string): Response {
  return new Response(null, { status: 504, statusText: 'Gateway Timeout', headers: { 'cache-status': cacheStatus({ status: 'bypass', detail }, env.name) } });
}

/** Responses are never shared between callers: the credential headers' values (hashed) are part of the key. */
export function keyOf(name: string, url: string, headers: Headers, credentialHeaders: readonly string[]): string {
  let credentials: string | undefined;
  for (const header of credentialHeaders) {
    const value = headers.get(header);
    if (value === null) continue;
    // No header value holds a newline: `name=value` lines cannot run into each other.
    const line = header === 'authorization' ? value : `${header}=${value}`;
    credentials = credentials === undefined ? line : credentials + '\n' + line;
  }
  const who = credentials === undefined ? '-' : createHash('sha256').update(credentials).digest('base64url');
  return `${name}|${who}|${url}`;
}

/** The tag every stored entry of a URI carries: what §4.4 invalidates. */
export function uriTag(name: string, url: string): string {
  return `${name}:uri:${url}`;
}
