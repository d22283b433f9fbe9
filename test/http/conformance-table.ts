/**
 * The RFC 9111 conformance table, written from the RFC section by section (with the RFC 9110
 * rules a cache applies: dates, Connection, ranges, and RFC 5861's stale-* extensions).
 *
 * Each row is a script of requests to a real local origin on a virtual clock, with what the
 * cache must do. `required`: a MUST or MUST NOT of the RFCs that applies to the cache (a
 * private one unless the row says `shared`); such rows only judge what the requirement
 * judges (a cache that chooses not to reuse a response is never failed by them). `optional`:
 * a SHOULD, a MAY, an extension or a documented cachegen policy; these rows also check that
 * the cache does reuse what it may. A few MUSTs are about how a value is read (the three
 * HTTP-date formats, delta-seconds beyond 2^31, Expires under max-age); their only visible
 * effect is reuse, so those required rows expect it. Origin bodies default to `r<n>` (the
 * row's n-th origin request), so a body says which origin answer a response came from.
 */
import { date, type Reply, type ReplyScript, type Row } from './conformance-harness.js';

const cc = (value: string, headers: Reply['headers'] = {}): Reply => ({ headers: { 'cache-control': value, ...headers } });

/** The representation the range rows ask parts of. */
const FULL = '0123456789';

/** An origin that serves single byte ranges of `full` (RFC 9110 §14) with `headers`, and 200 otherwise. */
function ranged(headers: Reply['headers'], etagOf: (n: number) => string = () => '"r"'): ReplyScript {
  return (request, n) => {
    const out = { ...headers, etag: etagOf(n), 'accept-ranges': 'bytes' };
    const range = request.headers.range;
    const spec = typeof range === 'string' && range.startsWith('bytes=') && !range.includes(',') ? range.slice(6) : undefined;
    const dash = spec?.indexOf('-') ?? -1;
    if (spec === undefined || dash < 0) return { headers: out, body: FULL };
    const first = spec.slice(0, dash);
    const last = spec.slice(dash + 1);
    const start = first === '' ? Math.max(0, FULL.length - Number(last)) : Number(first);
    const end = first === '' || last === '' ? FULL.length - 1 : Math.min(Number(last), FULL.length - 1);
    return { status: 206, headers: { ...out, 'content-range': `bytes ${start}-${end}/${FULL.length}` }, body: FULL.slice(start, end + 1) };
  };
}

/** 304 when the request's If-None-Match lists `etag`, else a full response; both with `headers`. */
function validating(etag: string, full: Reply, notModified: Reply = {}): ReplyScript {
  return (request) => (String(request.headers['if-none-match'] ?? '').includes(etag)
    ? { status: 304, ...notModified, headers: { etag, ...notModified.headers } }
    : { ...full, headers: { etag, ...full.headers } });
}

/** A response stored at t=0 and a request at `at` that must reach the origin (the stored one may not be reused). */
function notReused(id: string, section: string, title: string, reply: Reply, at = 1, extra: Partial<Row> = {}): Row {
  return { id, section, title, level: 'required', ...extra, steps: [{ at: 0, reply, expect: { calls: 1 } }, { at, expect: { calls: 2, body: 'r2' } }] };
}

/** A response stored at t=0 and reused at `at`. */
function reused(id: string, section: string, title: string, reply: Reply, at = 10, level: Row['level'] = 'optional', extra: Partial<Row> = {}): Row {
  return { id, section, title, level, ...extra, steps: [{ at: 0, reply, expect: { calls: 1 } }, { at, expect: { calls: 1, body: 'r1' } }] };
}

/** A far-future Expires written in a way that is not an HTTP-date: the response is already expired (RFC 9111 §5.3). */
const invalidExpires = (id: string, value: string, what: string): Row =>
  notReused(`expires-invalid-${id}`, '9111 §5.3, 9110 §5.6.7', `an invalid Expires (${what}) means already expired`, { headers: { expires: value } });

/** A stored response, then an unsafe request to the same URI, then a GET that must reach the origin. */
const invalidatedBy = (method: string, status = 200): Row => ({
  id: `invalidate-${method.toLowerCase()}${status === 200 ? '' : `-${status}`}`, section: '9111 §4.4', level: 'required',
  title: `a ${status} to ${method} invalidates the stored responses of its target URI`,
  steps: [
    { at: 0, reply: cc('max-age=100'), expect: { calls: 1 } },
    { at: 1, method, reply: { status }, expect: { calls: 2, status } },
    { at: 2, reply: cc('max-age=100'), expect: { calls: 3, body: 'r3' } },
  ],
});

/** A stale response with stale-if-error, and an origin that fails with `failure` when asked again. */
const staleIfError = (id: string, title: string, failure: Reply, responseCC = 'max-age=10, stale-if-error=60', level: Row['level'] = 'optional', want: Row['steps'][number]['expect'] = { status: 200, body: 'r1' }): Row => ({
  id, section: 'RFC 5861 §4', title, level,
  steps: [{ at: 0, reply: cc(responseCC), expect: { calls: 1 } }, { at: 15, reply: failure, expect: { calls: 2, ...want } }],
});

export const rows: Row[] = [
  // ---- RFC 9111 §3: storing responses -----------------------------------------------------
  reused('store-max-age', '9111 §3, §4.2.1', 'a response with max-age is stored and reused while fresh', cc('max-age=100')),
  notReused('store-no-store', '9111 §5.2.2.5', 'no-store: never reused', cc('no-store, max-age=100')),
  notReused('store-no-store-case', '9111 §5.2', 'directive names are case-insensitive (NO-STORE)', cc('NO-STORE, max-age=100')),
  {
    id: 'store-no-store-request', section: '9111 §5.2.1.5', level: 'optional', title: 'request no-store: the response is not stored',
    steps: [{ at: 0, headers: { 'cache-control': 'no-store' }, reply: cc('max-age=100'), expect: { calls: 1 } }, { at: 1, expect: { calls: 2 } }],
  },
  notReused('store-must-understand-unknown', '9111 §3, §5.2.2.3', 'must-understand with a status the cache does not understand: not stored',
    { status: 299, headers: { 'cache-control': 'max-age=100, must-understand' } }),
  reused('store-must-understand-no-store', '9111 §5.2.2.3', 'must-understand with an understood status: no-store is ignored', cc('max-age=100, must-understand, no-store')),
  notReused('store-non-heuristic-status', '9111 §3, §4.2.2', 'a status that is not heuristically cacheable, without explicit freshness, is not stored',
    { status: 201, headers: { 'last-modified': date(-100000) } }),
  {
    id: 'store-explicit-any-status', section: '9111 §3', level: 'optional', title: 'any final status with explicit freshness may be stored (299, max-age)',
    steps: [
      { at: 0, reply: { status: 299, headers: { 'cache-control': 'max-age=100' } }, expect: { calls: 1 } },
      { at: 1, expect: { calls: 1, status: 299, body: 'r1' } },
    ],
  },
  reused('store-private-in-private-cache', '9111 §5.2.2.7', 'a private cache stores a private response', cc('private, max-age=100')),

  // ---- §3.1 header fields ------------------------------------------------------------------
  {
    id: 'fields-unknown-kept', section: '9111 §3.1', level: 'required', title: 'unrecognised header fields are stored and returned',
    steps: [{ at: 0, reply: cc('max-age=100', { 'x-custom': 'kept' }), expect: { calls: 1 } }, { at: 1, expect: { ifCached: { headers: { 'x-custom': 'kept' } } } }],
  },
  {
    id: 'fields-date-kept', section: '9111 §3.1', level: 'required', title: 'the stored Date is returned as received',
    steps: [{ at: 0, reply: cc('max-age=100'), expect: { calls: 1 } }, { at: 30, expect: { ifCached: { headers: { date: new Date(Date.UTC(2026, 0, 1)).toUTCString() } } } }],
  },
  {
    id: 'fields-connection-listed', section: '9110 §7.6.1, 9111 §3.1', level: 'required', title: 'Connection and the fields it names are not stored',
    steps: [
      { at: 0, reply: cc('max-age=100', { connection: 'x-hop', 'x-hop': '1', 'x-end': '2' }), expect: { calls: 1 } },
      { at: 1, expect: { ifCached: { headers: { 'x-hop': null, 'x-end': '2' } } } },
    ],
  },
  {
    id: 'fields-connection-listed-reused', section: '9110 §7.6.1, 9111 §3.1', level: 'optional', title: 'a response naming fields in Connection is still reused (without them)',
    steps: [
      { at: 0, reply: cc('max-age=100', { connection: 'x-hop', 'x-hop': '1', 'x-end': '2' }), expect: { calls: 1 } },
      { at: 1, expect: { calls: 1, headers: { 'x-hop': null, 'x-end': '2' } } },
    ],
  },
  {
    id: 'fields-hop-by-hop', section: '9110 §7.6.1', level: 'optional', title: 'hop-by-hop fields (Keep-Alive, Proxy-Connection, TE, Upgrade) are not replayed',
    steps: [
      { at: 0, reply: cc('max-age=100', { 'proxy-connection': 'keep-alive', te: 'trailers', upgrade: 'h2c', 'keep-alive': 'timeout=5' }), expect: { calls: 1 } },
      { at: 1, expect: { calls: 1, headers: { 'proxy-connection': null, te: null, upgrade: null, 'keep-alive': null } } },
    ],
  },
  {
    id: 'fields-proxy-authenticate', section: '9111 §3.1', level: 'required', title: 'Proxy-Authenticate and Proxy-Authentication-Info are not stored',
    steps: [
      { at: 0, reply: cc('max-age=100', { 'proxy-authenticate': 'Basic realm="p"', 'proxy-authentication-info': 'nextnonce="x"' }), expect: { calls: 1 } },
      { at: 1, expect: { ifCached: { headers: { 'proxy-authenticate': null, 'proxy-authentication-info': null } } } },
    ],
  },
  {
    id: 'fields-no-cache-named', section: '9111 §5.2.2.4', level: 'required', title: 'no-cache="x-a": x-a is never reused without validation',
    steps: [
      { at: 0, reply: (_r, n) => (n === 1 ? cc('max-age=100, no-cache="x-a"', { 'x-a': 'once', 'x-b': 'kept' }) : cc('max-age=100')), expect: { calls: 1 } },
      { at: 1, expect: { headers: { 'x-a': null } } },
    ],
  },
  {
    id: 'fields-no-cache-named-reused', section: '9111 §5.2.2.4', level: 'optional', title: 'no-cache="x-a": the rest of the response is reused',
    steps: [
      { at: 0, reply: cc('max-age=100, no-cache="x-a"', { 'x-a': 'once', 'x-b': 'kept' }), expect: { calls: 1 } },
      { at: 1, expect: { calls: 1, body: 'r1', headers: { 'x-a': null, 'x-b': 'kept' } } },
    ],
  },
  {
    id: 'fields-private-named-shared', section: '9111 §5.2.2.7', level: 'required', shared: true, title: 'private="x-a": a shared cache does not store x-a',
    steps: [
      { at: 0, reply: (_r, n) => (n === 1 ? cc('max-age=100, private="x-a"', { 'x-a': 'mine', 'x-b': 'kept' }) : cc('max-age=100')), expect: { calls: 1 } },
      { at: 1, expect: { headers: { 'x-a': null } } },
    ],
  },
  {
    id: 'fields-private-named-shared-reused', section: '9111 §5.2.2.7', level: 'optional', shared: true, title: 'private="x-a": a shared cache reuses the rest',
    steps: [
      { at: 0, reply: cc('max-age=100, private="x-a"', { 'x-a': 'mine', 'x-b': 'kept' }), expect: { calls: 1 } },
      { at: 1, expect: { calls: 1, body: 'r1', headers: { 'x-a': null, 'x-b': 'kept' } } },
    ],
  },
  {
    id: 'fields-set-cookie-shared', section: 'cachegen policy (docs/architecture.md)', level: 'optional', shared: true,
    title: 'a shared cache never hands one client\'s Set-Cookie to another',
    steps: [
      { at: 0, reply: (_r, n) => cc('public, max-age=100', { 'set-cookie': `session=${n}` }), expect: { calls: 1 } },
      { at: 1, expect: { headers: { 'set-cookie': { not: 'session=1' } } } },
    ],
  },
  reused('fields-set-cookie-private', '9111 §8', 'a private cache reuses a fresh response with Set-Cookie', cc('max-age=100', { 'set-cookie': 'a=b' })),
  {
    id: 'fields-set-cookie-named-private-shared', section: '9111 §5.2.2.7', level: 'optional', shared: true,
    title: 'private="set-cookie": a shared cache reuses the rest of the response, without the cookie',
    steps: [
      { at: 0, reply: cc('public, max-age=100, private="set-cookie"', { 'set-cookie': 'session=1' }), expect: { calls: 1 } },
      { at: 1, expect: { calls: 1, body: 'r1', headers: { 'set-cookie': null } } },
    ],
  },

  // ---- §3.3, §3.4 partial content -------------------------------------------------------------
  {
    id: 'range-marked-206', section: '9111 §3.3', level: 'required', title: 'a range answered from a stored complete response: a 206 of it, or the whole as a 200',
    steps: [
      { at: 0, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1, body: FULL } },
      { at: 1, headers: { range: 'bytes=2-4' }, expect: { anyOf: [{ status: 206, body: '234' }, { status: 200, body: FULL }] } },
    ],
  },
  {
    id: 'range-partial-not-complete', section: '9111 §3.3', level: 'required', title: 'a stored partial response never answers a request for the whole',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1, status: 206, body: '01234' } },
      { at: 1, expect: { status: 200, body: FULL } },
    ],
  },
  {
    id: 'range-from-complete', section: '9111 §3.3, 9110 §14.2', level: 'optional', title: 'a stored complete response answers a byte range',
    steps: [
      { at: 0, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1, body: FULL } },
      { at: 1, headers: { range: 'bytes=2-4' }, expect: { calls: 1, status: 206, body: '234', headers: { 'content-range': 'bytes 2-4/10' } } },
    ],
  },
  {
    id: 'range-from-complete-suffix', section: '9111 §3.3, 9110 §14.1.2', level: 'optional', title: 'a stored complete response answers a suffix range (bytes=-3)',
    steps: [
      { at: 0, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1 } },
      { at: 1, headers: { range: 'bytes=-3' }, expect: { calls: 1, status: 206, body: '789' } },
    ],
  },
  {
    id: 'range-from-complete-open', section: '9111 §3.3, 9110 §14.1.2', level: 'optional', title: 'a stored complete response answers an open range (bytes=7-)',
    steps: [
      { at: 0, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1 } },
      { at: 1, headers: { range: 'bytes=7-' }, expect: { calls: 1, status: 206, body: '789' } },
    ],
  },
  {
    id: 'range-store-206', section: '9111 §3.3', level: 'optional', title: 'a 206 is stored and answers the same range',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1, status: 206 } },
      { at: 1, headers: { range: 'bytes=0-4' }, expect: { calls: 1, status: 206, body: '01234' } },
    ],
  },
  {
    id: 'range-subrange-of-206', section: '9111 §3.3', level: 'optional', title: 'a stored 206 answers a range wholly within it',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1, status: 206 } },
      { at: 1, headers: { range: 'bytes=1-3' }, expect: { calls: 1, status: 206, body: '123', headers: { 'content-range': 'bytes 1-3/10' } } },
    ],
  },
  {
    id: 'range-combine', section: '9111 §3.4', level: 'optional', title: 'two 206 parts with the same strong validator combine into a complete response',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=100' }), expect: { calls: 1, status: 206 } },
      { at: 1, headers: { range: 'bytes=5-9' }, expect: { calls: 2, status: 206, body: '56789' } },
      { at: 2, expect: { calls: 2, status: 200, body: FULL } },
    ],
  },
  {
    id: 'range-combine-other-validator', section: '9111 §3.4', level: 'required', title: 'parts with different strong validators are never combined',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=100' }, (n) => `"v${n}"`), expect: { calls: 1 } },
      { at: 1, headers: { range: 'bytes=5-9' }, expect: { calls: 2 } },
      { at: 2, expect: { calls: 3, status: 200, body: FULL } },
    ],
  },
  {
    id: 'range-combine-weak-validator', section: '9111 §3.4', level: 'required', title: 'parts with only a weak validator are never combined',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=100' }, () => 'W/"w"'), expect: { calls: 1 } },
      { at: 1, headers: { range: 'bytes=5-9' }, expect: { calls: 2 } },
      { at: 2, expect: { calls: 3, status: 200, body: FULL } },
    ],
  },
  {
    id: 'range-partial-etag-not-sent', section: '9111 §4.3.2', level: 'required', title: 'the entity tag of a partial response is not sent to validate a request for the whole',
    steps: [
      { at: 0, headers: { range: 'bytes=0-4' }, reply: ranged({ 'cache-control': 'max-age=10' }, () => '"part"'), expect: { calls: 1 } },
      { at: 15, expect: { calls: 2, status: 200, body: FULL, sent: { 'if-none-match': null } } },
    ],
  },

  // ---- §3.5 Authorization (shared) ------------------------------------------------------------
  {
    id: 'auth-shared-not-reused', section: '9111 §3.5', level: 'required', shared: true, title: 'a shared cache does not reuse a response to an Authorization request',
    steps: [
      { at: 0, headers: { authorization: 'Bearer a' }, reply: cc('max-age=100'), expect: { calls: 1 } },
      { at: 1, headers: { authorization: 'Bearer a' }, expect: { calls: 2 } },
    ],
  },
  ...([['public', 'public, max-age=100'], ['s-maxage', 's-maxage=100'], ['must-revalidate', 'max-age=100, must-revalidate']] as const).map(([id, value]): Row => ({
    id: `auth-shared-allowed-${id}`, section: '9111 §3.5', level: 'optional', shared: true,
    title: `${id} lets a shared cache reuse a response to an Authorization request`,
    steps: [
      { at: 0, headers: { authorization: 'Bearer a' }, reply: cc(value), expect: { calls: 1 } },
      { at: 1, headers: { authorization: 'Bearer a' }, expect: { calls: 1, body: 'r1' } },
    ],
  })),
  {
    id: 'auth-per-credential', section: 'cachegen policy (docs/http.md)', level: 'optional', title: 'a response to one Authorization value is never served to another',
    steps: [
      { at: 0, headers: { authorization: 'Bearer alice' }, reply: cc('max-age=100'), expect: { calls: 1 } },
      { at: 1, headers: { authorization: 'Bearer bob' }, expect: { calls: 2, body: 'r2' } },
      { at: 2, headers: { authorization: 'Bearer alice' }, expect: { calls: 2, body: 'r1' } },
    ],
  },

  // ---- §4 constructing responses from caches ------------------------------------------------------------
  {
    id: 'age-generated', section: '9111 §4, §5.1', level: 'required', title: 'a reused response carries Age: its current age',
    steps: [{ at: 0, reply: cc('max-age=100'), expect: { calls: 1 } }, { at: 30, expect: { ifCached: { headers: { age: '30' } } } }],
  },
  {
    id: 'age-replaces-origin-age', section: '9111 §4, §4.2.3', level: 'required', title: 'the Age of a reused response replaces the origin\'s (10 + 30 s resident)',
    steps: [{ at: 0, reply: cc('max-age=100', { age: '10' }), expect: { calls: 1 } }, { at: 30, expect: { ifCached: { headers: { age: '40' } } } }],
  },
  {
    id: 'unsafe-write-through', section: '9111 §4', level: 'required', title: 'unsafe requests are always forwarded',
    steps: [
      { at: 0, method: 'POST', reply: cc('max-age=100'), expect: { calls: 1 } },
      { at: 1, method: 'POST', expect: { calls: 2, body: 'r2' } },
    ],
  },
  {
    id: 'most-recent', section: '9111 §4, §4.1', level: 'required', title: 'of two suitable stored responses, the most recent is used',
    steps: [
      { at: 0, headers: { foo: '1' }, reply: cc('max-age=100', { vary: 'foo' }), expect: { calls: 1 } },
      { at: 10, headers: { foo: '2' }, reply: cc('max-age=100'), expect: { calls: 2, body: 'r2' } },
      { at: 20, headers: { foo: '1' }, expect: { ifCached: { body: 'r2' } } },
    ],
  },
  {
    id: 'head-not-for-get', section: '9111 §4', level: 'required', title: 'a response to HEAD never answers a GET',
    steps: [
      { at: 0, method: 'HEAD', reply: cc('max-age=100'), expect: { calls: 1 } },
      { at: 1, expect: { calls: 2, body: 'r2' } },
    ],
  },
  {
    id: 'key-query', section: '9111 §4', level: 'required', title: 'another query string is another resource',
    steps: [
      { at: 0, path: '?a=1', reply: cc('max-age=100'), expect: { calls: 1 } },
      { at: 1, path: '?a=2', expect: { calls: 2, body: 'r2' } },
    ],
  },

  // ---- §4.1 Vary -----------------------------------------------------------------------------------------
  ...varyRows(),

  // ---- §4.2 freshness, §5.3 Expires ------------------------------------------------------------------------
  notReused('stale-max-age', '9111 §4.2, §4.2.1', 'a response older than max-age is not reused', cc('max-age=10'), 11),
  reused('fresh-expires', '9111 §4.2.1', 'Expires minus Date gives the freshness lifetime', { headers: { expires: date(100) } }, 50),
  notReused('stale-expires', '9111 §4.2.1', 'a response past its Expires is not reused', { headers: { expires: date(10) } }, 20),
  notReused('expires-in-the-past', '9111 §4.2.1', 'Expires before Date: stale at once', { headers: { expires: date(-10) } }),
  notReused('expires-equals-date', '9111 §4.2', 'Expires equal to Date: never fresh (lifetime 0 is not > age 0)', { headers: { expires: date(0) } }, 0),
  notReused('expires-invalid-0', '9111 §5.3', 'Expires: 0 means already expired', { headers: { expires: '0' } }),
  invalidExpires('utc', 'Thu, 01 Dec 2050 16:00:00 UTC', 'UTC instead of GMT'),
  invalidExpires('offset', 'Thu, 01 Dec 2050 16:00:00 +0000', 'a numeric zone'),
  invalidExpires('no-comma', 'Thu 01 Dec 2050 16:00:00 GMT', 'no comma'),
  invalidExpires('two-spaces', 'Thu,  01 Dec 2050 16:00:00 GMT', 'two spaces'),
  invalidExpires('no-weekday', '01 Dec 2050 16:00:00 GMT', 'no day name'),
  invalidExpires('dashes', 'Thu, 18-Aug-2050 16:00:00 GMT', 'dashes in an IMF-fixdate'),
  invalidExpires('one-digit-hour', 'Thu, 01 Dec 2050 6:00:00 GMT', 'a one-digit hour'),
  invalidExpires('one-digit-day', 'Thu, 1 Dec 2050 16:00:00 GMT', 'a one-digit day'),
  invalidExpires('no-seconds', 'Thu, 01 Dec 2050 16:00 GMT', 'no seconds'),
  invalidExpires('iso', '2050-12-01T16:00:00Z', 'ISO 8601'),
  invalidExpires('day-32', 'Thu, 32 Dec 2050 16:00:00 GMT', 'day 32'),
  invalidExpires('hour-25', 'Thu, 01 Dec 2050 25:00:00 GMT', 'hour 25'),
  invalidExpires('month', 'Thu, 01 Dcm 2050 16:00:00 GMT', 'an unknown month'),
  invalidExpires('trailing', 'Thu, 01 Dec 2050 16:00:00 GMT junk', 'text after the date'),
  reused('expires-rfc850', '9110 §5.6.7', 'an rfc850-date Expires is accepted (a recipient MUST accept all three formats)', { headers: { expires: 'Thursday, 01-Dec-50 16:00:00 GMT' } }, 50, 'required'),
  reused('expires-asctime', '9110 §5.6.7', 'an asctime-date Expires is accepted (a recipient MUST accept all three formats)', { headers: { expires: 'Thu Dec  1 16:00:00 2050' } }, 50, 'required'),
  notReused('expires-rfc850-century', '9110 §5.6.7', 'a two-digit year more than 50 years ahead is in the past century (80 = 1980)',
    { headers: { expires: 'Sunday, 01-Dec-80 16:00:00 GMT' } }),
  reused('expires-case-insensitive', '9111 §4.2', 'dates are matched case-insensitively', { headers: { expires: 'thu, 01 dec 2050 16:00:00 gmt' } }, 50),
  reused('expires-ignored-for-max-age', '9111 §5.3', 'max-age wins over an Expires in the past (a recipient MUST ignore Expires)', cc('max-age=100', { expires: date(-100) }), 50, 'required'),
  notReused('expires-ignored-for-max-age-stale', '9111 §5.3', 'max-age wins over a later Expires', cc('max-age=10', { expires: date(1000) }), 20),
  reused('expires-ignored-for-s-maxage', '9111 §5.3', 'a shared cache ignores Expires when s-maxage is present', cc('s-maxage=100', { expires: date(-100) }), 50, 'required', { shared: true }),
  notReused('expires-two-lines', '9111 §4.2.1', 'two Expires lines: the first or stale, never the last', { headers: { expires: [new Date(Date.UTC(2020, 0, 1)).toUTCString(), 'Thu, 01 Dec 2050 16:00:00 GMT'] } }, 1, { level: 'optional' }),
  reused('max-age-overflow', '9111 §1.2.2', 'a max-age beyond 2^31 is taken as 2^31 (fresh), not as invalid', cc('max-age=99999999999999999999'), 50, 'required'),
  notReused('age-overflow', '9111 §1.2.2', 'an Age beyond 2^31 is taken as 2^31 (stale)', cc('max-age=3600', { age: '99999999999999999999' })),
  notReused('age-stale-on-arrival', '9111 §4.2.3', 'an origin Age above max-age: stale on arrival', cc('max-age=3600', { age: '7200' })),
  notReused('age-counts', '9111 §4.2.3', 'the origin\'s Age counts towards the current age (30 + 80 > 100)', cc('max-age=100', { age: '30' }), 80),
  reused('age-counts-fresh', '9111 §4.2.3', 'a response with an origin Age is reused while fresh (30 + 50 < 100)', cc('max-age=100', { age: '30' }), 50),
  {
    id: 'age-response-delay', section: '9111 §4.2.3', level: 'required', title: 'Age is taken relative to when the request left (response_delay)',
    steps: [
      { at: 0, reply: { ...cc('max-age=50', { age: '10', date: date(-20) }), delay: 20 }, expect: { calls: 1 } },
      { at: 45, expect: { calls: 2, body: 'r2' } },
    ],
  },
  notReused('age-apparent', '9111 §4.2.3', 'the apparent age (response time − Date) counts when it is the larger', cc('max-age=100', { date: date(-60) }), 50, { level: 'optional' }),
  reused('age-invalid-ignored', '9111 §5.1', 'an invalid Age is ignored', cc('max-age=100', { age: 'abc' }), 10),
  notReused('age-list-first-member', '9111 §5.1', 'a list-based Age: its first member is used (7200)', cc('max-age=3600', { age: '7200, 0' }), 1, { level: 'optional' }),
  reused('age-list-first-member-fresh', '9111 §5.1', 'a list-based Age: its first member is used (0)', cc('max-age=3600', { age: '0, 7200' }), 10),

  // ---- §5.2 Cache-Control parsing --------------------------------------------------------------------------
  reused('cc-quoted-value', '9111 §5.2', 'a quoted argument is accepted (max-age="100")', cc('max-age="100"'), 10),
  notReused('cc-quoted-directive-before', '9111 §5.2', 'a directive inside a quoted string is not a directive (before)', cc('extension="max-age=100", max-age=1'), 5),
  notReused('cc-quoted-directive-after', '9111 §5.2', 'a directive inside a quoted string is not a directive (after)', cc('max-age=1, extension="max-age=100"'), 5),
  notReused('cc-quoted-comma', '9111 §5.2', 'a comma inside a quoted string does not separate directives', cc('foo="a, max-age=100", max-age=1'), 5),
  notReused('cc-conflict-no-cache', '9111 §4.2.1, §5.2.2.4', 'max-age and no-cache: the most restrictive (no-cache) wins', cc('max-age=100, no-cache')),
  notReused('cc-case-no-cache', '9111 §5.2', 'directive names are case-insensitive (No-Cache)', cc('No-Cache, max-age=100')),
  ...([
    ['trailing-alpha', 'max-age=100a'], ['leading-alpha', 'max-age=a100'], ['decimal', 'max-age=100.5'], ['negative', 'max-age=-1'],
    ['space-before-equals', 'max-age =100'], ['space-after-equals', 'max-age= 100'], ['single-quoted', "max-age='100'"],
    ['duplicate-first-shorter', 'max-age=1, max-age=100'],
  ] as const).map(([id, value]) => notReused(`cc-invalid-${id}`, '9111 §4.2.1', `invalid or conflicting freshness is stale (${value})`, cc(value), 5, { level: 'optional' })),
  notReused('cc-invalid-duplicate-lines', '9111 §4.2.1', 'max-age on two lines, the first shorter: the first, or stale', { headers: { 'cache-control': ['max-age=1', 'max-age=100'] } }, 5, { level: 'optional' }),
  reused('cc-leading-zero', '9111 §1.2.2', 'delta-seconds with leading zeros (max-age=0100)', cc('max-age=0100'), 50),
  reused('cc-unknown-ignored', '9111 §5.2.3', 'unknown directives are ignored', cc('max-age=100, x-unknown, y="z, w"')),
  reused('cc-empty-members', '9110 §5.6.1', 'empty list members are ignored', cc(', ,max-age=100,,')),

  // ---- §4.2.2 heuristic freshness ---------------------------------------------------------------------------
  ...([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501] as const).map((status) => ({
    id: `heuristic-${status}`, section: '9111 §4.2.2, 9110 §15.1', level: 'optional' as const,
    title: `a ${status} with Last-Modified and no explicit freshness is reused for a fraction of its age`,
    steps: [
      { at: 0, reply: { status, headers: { 'last-modified': date(-100000) } }, expect: { calls: 1, status } },
      { at: 100, expect: { calls: 1, status } },
    ],
  })),
  reused('heuristic-public', '9111 §4.2.2, §5.2.2.9', 'public makes any status heuristically cacheable', { status: 299, headers: { 'cache-control': 'public', 'last-modified': date(-100000) } }, 100),
  notReused('heuristic-not-with-expires', '9111 §4.2.2', 'no heuristic when an explicit Expires is present', { headers: { expires: date(-1), 'last-modified': date(-100000) } }),
  notReused('heuristic-not-with-max-age', '9111 §4.2.2', 'no heuristic when max-age is present (max-age=0)', cc('max-age=0', { 'last-modified': date(-100000) })),

  // ---- §4.2.4 serving stale, RFC 5861 --------------------------------------------------------------------------
  {
    id: 'stale-max-stale', section: '9111 §5.2.1.2', level: 'optional', title: 'request max-stale: a stale response within the limit is reused',
    steps: [{ at: 0, reply: cc('max-age=10'), expect: { calls: 1 } }, { at: 15, headers: { 'cache-control': 'max-stale=60' }, expect: { calls: 1, body: 'r1' } }],
  },
  {
    id: 'stale-max-stale-exceeded', section: '9111 §5.2.1.2', level: 'optional', title: 'request max-stale: beyond the limit, the origin answers',
    steps: [{ at: 0, reply: cc('max-age=10'), expect: { calls: 1 } }, { at: 30, headers: { 'cache-control': 'max-stale=5' }, expect: { calls: 2, body: 'r2' } }],
  },
  ...([
    ['must-revalidate', 'max-age=10, must-revalidate', false],
    ['no-cache', 'max-age=10, no-cache', false],
    ['s-maxage', 's-maxage=10', true],
    ['proxy-revalidate', 'max-age=10, proxy-revalidate', true],
  ] as const).map(([id, value, shared]): Row => ({
    id: `stale-forbidden-${id}`, section: '9111 §4.2.4', level: 'required', shared,
    title: `${id}: a stale response is not served${shared ? ' by a shared cache' : ''}, even under max-stale`,
    steps: [{ at: 0, reply: cc(value), expect: { calls: 1 } }, { at: 15, headers: { 'cache-control': 'max-stale' }, expect: { calls: 2, body: 'r2' } }],
  })),
  {
    id: 'stale-proxy-revalidate-private', section: '9111 §5.2.2.8', level: 'optional', title: 'proxy-revalidate does not apply to a private cache',
    steps: [{ at: 0, reply: cc('max-age=10, proxy-revalidate'), expect: { calls: 1 } }, { at: 15, headers: { 'cache-control': 'max-stale' }, expect: { calls: 1, body: 'r1' } }],
  },
  staleIfError('stale-must-revalidate-disconnected', 'must-revalidate: the stale response is not served when the origin is unreachable',
    { close: true }, 'max-age=10, must-revalidate', 'required', { body: { not: 'r1' } }),
  staleIfError('stale-must-revalidate-504', 'must-revalidate: an unreachable origin gives 504 Gateway Timeout',
    { close: true }, 'max-age=10, must-revalidate', 'optional', { status: 504 }),
  {
    id: 'swr', section: 'RFC 5861 §3', level: 'optional', title: 'stale-while-revalidate: the stale response at once, refreshed in the background',
    steps: [
      { at: 0, reply: cc('max-age=10, stale-while-revalidate=60'), expect: { calls: 1 } },
      { at: 30, expect: { calls: 2, body: 'r1' } },
      { at: 31, expect: { calls: 2, body: 'r2' } },
    ],
  },
  notReused('swr-window-passed', 'RFC 5861 §3', 'stale-while-revalidate: past the window, the origin answers first', cc('max-age=10, stale-while-revalidate=60'), 100, { level: 'optional' }),
  notReused('swr-must-revalidate', '9111 §5.2.2.2', 'must-revalidate forbids stale-while-revalidate', cc('max-age=10, stale-while-revalidate=60, must-revalidate'), 30),
  notReused('swr-no-cache', '9111 §5.2.2.4', 'no-cache forbids stale-while-revalidate', cc('no-cache, stale-while-revalidate=60'), 1),
  ...([500, 502, 503, 504] as const).map((status) => staleIfError(`sie-${status}`, `stale-if-error: a ${status} is answered with the stale response`, { status })),
  staleIfError('sie-closed', 'stale-if-error: a closed connection is answered with the stale response', { close: true }),
  staleIfError('sie-window-passed', 'stale-if-error: past the window, the error is passed on', { status: 503 }, 'max-age=10, stale-if-error=2', 'optional', { status: 503 }),
  staleIfError('sie-404', 'stale-if-error: a 404 is not an error, it is passed on', { status: 404 }, 'max-age=10, stale-if-error=60', 'required', { status: 404 }),
  staleIfError('sie-must-revalidate', 'must-revalidate forbids stale-if-error', { status: 503 }, 'max-age=10, must-revalidate, stale-if-error=60', 'required', { status: 503 }),
  staleIfError('sie-no-cache', 'no-cache forbids stale-if-error', { status: 503 }, 'no-cache, stale-if-error=60', 'required', { status: 503 }),
  {
    id: 'sie-request', section: 'RFC 5861 §4', level: 'optional', title: 'stale-if-error as a request directive',
    steps: [
      { at: 0, reply: cc('max-age=10'), expect: { calls: 1 } },
      { at: 15, headers: { 'cache-control': 'stale-if-error=60' }, reply: { status: 500 }, expect: { calls: 2, status: 200, body: 'r1' } },
    ],
  },

  // ---- §4.3 validation --------------------------------------------------------------------------------------------
  ...validationRows(),

  // ---- §4.4 invalidation ---------------------------------------------------------------------------------------------
  invalidatedBy('POST'), invalidatedBy('PUT'), invalidatedBy('DELETE'), invalidatedBy('PATCH'), invalidatedBy('REPORT'),
  invalidatedBy('POST', 303), invalidatedBy('POST', 204),
  {
    id: 'invalidate-error-keeps', section: '9111 §4.4', level: 'optional', title: 'an error response to an unsafe method leaves stored responses alone',
    steps: [
      { at: 0, reply: cc('max-age=100'), expect: { calls: 1 } },
      { at: 1, method: 'DELETE', reply: { status: 500 }, expect: { calls: 2, status: 500 } },
      { at: 2, expect: { calls: 2, body: 'r1' } },
    ],
  },
  {
    id: 'invalidate-all-variants', section: '9111 §4.4', level: 'required', title: 'invalidation reaches every variant of the URI',
    steps: [
      { at: 0, headers: { foo: '1' }, reply: cc('max-age=100', { vary: 'foo' }), expect: { calls: 1 } },
      { at: 1, headers: { foo: '2' }, expect: { calls: 2 } },
      { at: 2, method: 'POST', reply: { status: 200 }, expect: { calls: 3 } },
      { at: 3, headers: { foo: '1' }, reply: cc('max-age=100', { vary: 'foo' }), expect: { calls: 4, body: 'r4' } },
    ],
  },
  ...(['location', 'content-location'] as const).flatMap((field): Row[] => [
    {
      id: `invalidate-${field}`, section: '9111 §4.4', level: 'optional', title: `${field} on the same origin is invalidated too`,
      steps: [
        { at: 0, path: '/other', reply: cc('max-age=100'), expect: { calls: 1 } },
        { at: 1, path: '/other', expect: { calls: 1 } },
        { at: 2, method: 'POST', reply: (_r, _n, row) => ({ status: 201, headers: { [field]: row.url('/other') } }), expect: { calls: 2 } },
        { at: 3, path: '/other', reply: cc('max-age=100'), expect: { calls: 3, body: 'r3' } },
      ],
    },
    {
      id: `invalidate-${field}-other-origin`, section: '9111 §4.4', level: 'required', title: `${field} on another origin is never invalidated`,
      steps: [
        { at: 0, path: '/other', otherHost: true, reply: cc('max-age=100'), expect: { calls: 1 } },
        { at: 1, path: '/other', otherHost: true, expect: { calls: 1 } },
        { at: 2, method: 'POST', reply: (_r, _n, row) => ({ status: 201, headers: { [field]: row.url('/other', true) } }), expect: { calls: 2 } },
        { at: 3, path: '/other', otherHost: true, reply: cc('max-age=100'), expect: { calls: 2, body: 'r1' } },
      ],
    },
  ]),

  // ---- §5.4 Pragma, §5.2.1 request directives --------------------------------------------------------------------------
  {
    id: 'pragma-no-cache', section: '9111 §5.4', level: 'optional', title: 'request Pragma: no-cache without Cache-Control: not answered from the cache',
    steps: [{ at: 0, reply: cc('max-age=100'), expect: { calls: 1 } }, { at: 1, headers: { pragma: 'no-cache' }, expect: { calls: 2, body: 'r2' } }],
  },
  {
    id: 'pragma-with-cache-control', section: '9111 §5.4', level: 'optional', title: 'request Pragma: no-cache is ignored when Cache-Control is present',
    steps: [{ at: 0, reply: cc('max-age=100'), expect: { calls: 1 } }, { at: 1, headers: { pragma: 'no-cache', 'cache-control': 'max-stale=10' }, expect: { calls: 1, body: 'r1' } }],
  },
  ...([
    ['max-age', 'max-age=20', 30, 2], ['max-age-ok', 'max-age=60', 30, 1], ['max-age-0', 'max-age=0', 1, 2],
    ['min-fresh', 'min-fresh=80', 30, 2], ['min-fresh-ok', 'min-fresh=20', 30, 1], ['no-cache', 'no-cache', 1, 2],
  ] as const).map(([id, value, at, calls]): Row => ({
    id: `request-${id}`, section: '9111 §5.2.1', level: 'optional', title: `request ${value}: ${calls === 1 ? 'the stored response is acceptable' : 'the origin answers'}`,
    steps: [{ at: 0, reply: cc('max-age=100'), expect: { calls: 1 } }, { at, headers: { 'cache-control': value }, expect: { calls, body: `r${calls}` } }],
  })),
  {
    id: 'request-only-if-cached', section: '9111 §5.2.1.7', level: 'optional', title: 'only-if-cached: the stored response, or 504 without one',
    steps: [
      { at: 0, headers: { 'cache-control': 'only-if-cached' }, reply: cc('max-age=100'), expect: { calls: 0, status: 504 } },
      { at: 1, expect: { calls: 1 } },
      { at: 2, headers: { 'cache-control': 'only-if-cached' }, expect: { calls: 1, status: 200, body: 'r1' } },
    ],
  },

  // ---- shared caches: s-maxage, private ----------------------------------------------------------------------------------
  reused('shared-s-maxage', '9111 §5.2.2.10', 'a shared cache uses s-maxage over max-age', cc('max-age=1, s-maxage=100'), 50, 'optional', { shared: true }),
  notReused('shared-s-maxage-shorter', '9111 §4.2.1', 'a shared cache uses s-maxage even when shorter than max-age', cc('max-age=100, s-maxage=1'), 10, { shared: true }),
  notReused('private-ignores-s-maxage', '9111 §4.2.1', 'a private cache ignores s-maxage', cc('max-age=1, s-maxage=100'), 10),
  notReused('shared-private', '9111 §5.2.2.7', 'a shared cache does not store a private response', cc('private, max-age=100'), 1, { shared: true }),
  notReused('shared-must-understand-unknown', '9111 §5.2.2.3', 'a shared cache does not store must-understand with an unknown status',
    { status: 299, headers: { 'cache-control': 'max-age=100, must-understand' } }, 1, { shared: true }),
];

function varyRows(): Row[] {
  const vary = (id: string, level: Row['level'], title: string, first: Record<string, string>, second: Record<string, string>, varyOn: string | string[] = 'foo'): Row => ({
    id: `vary-${id}`, section: '9111 §4.1', level, title,
    steps: [
      { at: 0, headers: first, reply: cc('max-age=100', { vary: varyOn }), expect: { calls: 1 } },
      { at: 1, headers: second, expect: level === 'required' ? { calls: 2, body: 'r2' } : { calls: 1, body: 'r1' } },
    ],
  });
  return [
    vary('match', 'optional', 'a matching request reuses the variant', { foo: '1' }, { foo: '1' }),
    vary('mismatch', 'required', 'another value is another variant', { foo: '1' }, { foo: '2' }),
    vary('omitted', 'required', 'a request without the field does not match one with it', { foo: '1' }, {}),
    vary('added', 'required', 'a request with the field does not match one without it', {}, { foo: '1' }),
    vary('both-absent', 'optional', 'absent in both requests: a match', {}, {}),
    vary('star', 'required', 'Vary: * never matches', { foo: '1' }, { foo: '1' }, '*'),
    vary('star-member', 'required', 'Vary with a * member never matches', { foo: '1' }, { foo: '1' }, 'foo, *'),
    vary('two-one-differs', 'required', 'two fields, one differs', { foo: '1', bar: 'a' }, { foo: '1', bar: 'b' }, 'foo, bar'),
    vary('two-lines', 'required', 'Vary on two field lines is one list', { foo: '1', bar: 'a' }, { foo: '1', bar: 'b' }, ['foo', 'bar']),
    vary('other-field', 'optional', 'fields not named by Vary do not matter', { foo: '1', other: 'a' }, { foo: '1', other: 'b' }),
    vary('value-case', 'required', 'values of a field not known to be case-insensitive are compared as they are', { foo: 'abc' }, { foo: 'ABC' }),
    vary('name-case', 'optional', 'field names in Vary are case-insensitive', { foo: '1' }, { foo: '1' }, 'FOO'),
    vary('whitespace', 'optional', 'whitespace around list commas does not matter', { 'accept-language': 'en,de' }, { 'accept-language': 'en, de' }, 'accept-language'),
    vary('language-case', 'optional', 'Accept-Language tags are case-insensitive', { 'accept-language': 'en-US' }, { 'accept-language': 'en-us' }, 'accept-language'),
    vary('language-order', 'optional', 'Accept-Language: the order of equally preferred languages does not matter', { 'accept-language': 'en, de' }, { 'accept-language': 'de, en' }, 'accept-language'),
    vary('language-q-differs', 'required', 'Accept-Language with other preferences is another variant', { 'accept-language': 'en;q=0.5, de' }, { 'accept-language': 'en, de;q=0.5' }, 'accept-language'),
    {
      id: 'vary-variants-coexist', section: '9111 §4.1', level: 'optional', title: 'variants are stored side by side',
      steps: [
        { at: 0, headers: { foo: '1' }, reply: cc('max-age=100', { vary: 'foo' }), expect: { calls: 1 } },
        { at: 1, headers: { foo: '2' }, expect: { calls: 2, body: 'r2' } },
        { at: 2, headers: { foo: '1' }, expect: { calls: 2, body: 'r1' } },
        { at: 3, headers: { foo: '2' }, expect: { calls: 2, body: 'r2' } },
      ],
    },
  ];
}

function validationRows(): Row[] {
  // Stale at 15 s, well within the time any cache keeps a response for revalidation (undici: twice its lifetime).
  const stale = (extra: Reply['headers'] = {}) => cc('max-age=10', extra);
  const etagged = (etag: string, extra: Reply['headers'] = {}) => validating(etag, stale(extra), cc('max-age=100'));
  const revalidated = (id: string, level: Row['level'], title: string, etag: string, sent: Record<string, string | null>): Row => ({
    id, section: '9111 §4.3.1', level, title,
    steps: [
      { at: 0, reply: etagged(etag), expect: { calls: 1 } },
      { at: 15, expect: { calls: 2, status: 200, body: 'r1', sent } },
    ],
  });
  const lastModified = new Date(Date.UTC(2026, 0, 1) - 1_000_000).toUTCString();
  return [
    revalidated('validate-etag', 'optional', 'a stale response with an ETag is validated with If-None-Match', '"abc"', { 'if-none-match': '"abc"' }),
    revalidated('validate-weak-etag', 'optional', 'a weak ETag is sent back as it is', 'W/"abc"', { 'if-none-match': 'W/"abc"' }),
    revalidated('validate-unquoted-etag', 'optional', 'an unquoted (invalid) ETag is sent back as stored', 'abc', { 'if-none-match': 'abc' }),
    {
      id: 'validate-etag-must', section: '9111 §4.3.1', level: 'required', title: 'a conditional request carries the stored entity tag',
      steps: [{ at: 0, reply: etagged('"abc"'), expect: { calls: 1 } }, { at: 15, expect: { sentIfConditional: { 'if-none-match': '"abc"' } } }],
    },
    {
      id: 'validate-last-modified', section: '9111 §4.3.1', level: 'optional', title: 'a stale response with Last-Modified is validated with If-Modified-Since',
      steps: [
        { at: 0, reply: (r) => (r.headers['if-modified-since'] === lastModified ? { status: 304 } : stale({ 'last-modified': lastModified })), expect: { calls: 1 } },
        { at: 15, expect: { calls: 2, status: 200, body: 'r1', sent: { 'if-modified-since': lastModified } } },
      ],
    },
    {
      id: 'validate-304-is-200', section: '9111 §4.3.3, §4.3.4', level: 'required', title: 'a 304 to the cache\'s own conditional request gives the client the stored 200',
      steps: [{ at: 0, reply: etagged('"abc"'), expect: { calls: 1 } }, { at: 15, expect: { status: 200, body: { not: '' } } }],
    },
    {
      id: 'validate-304-updates', section: '9111 §3.2, §4.3.4', level: 'required', title: 'a 304 replaces the header fields it carries and keeps the others',
      steps: [
        { at: 0, reply: validating('"abc"', stale({ 'x-v': '1', 'x-keep': 'k' }), cc('max-age=100', { 'x-v': '2' })), expect: { calls: 1 } },
        { at: 15, expect: { calls: 2, body: 'r1', headers: { 'x-v': '2', 'x-keep': 'k' } } },
        { at: 20, expect: { ifCached: { headers: { 'x-v': '2', 'x-keep': 'k' } } } },
      ],
    },
    {
      id: 'validate-304-freshens', section: '9111 §4.3.4', level: 'optional', title: 'a 304 freshens the stored response (reused afterwards)',
      steps: [
        { at: 0, reply: validating('"abc"', stale({ 'x-v': '1' }), cc('max-age=100', { 'x-v': '2' })), expect: { calls: 1 } },
        { at: 15, expect: { calls: 2, body: 'r1' } },
        { at: 60, expect: { calls: 2, body: 'r1', headers: { 'x-v': '2' } } },
      ],
    },
    {
      id: 'validate-304-content-type', section: '9111 §3.2', level: 'optional', title: 'a 304 updates Content-Type too (the cache keeps the bytes as received)',
      steps: [
        { at: 0, reply: validating('"abc"', stale({ 'content-type': 'text/plain' }), cc('max-age=100', { 'content-type': 'text/x-new' })), expect: { calls: 1 } },
        { at: 15, expect: { calls: 2, body: 'r1', headers: { 'content-type': 'text/x-new' } } },
      ],
    },
    {
      id: 'validate-304-other-etag', section: '9111 §4.3.4', level: 'required', title: 'a 304 with another strong validator updates nothing',
      steps: [
        { at: 0, reply: stale({ etag: '"a"', 'x-v': '1' }), expect: { calls: 1 } },
        {
          at: 15, reply: (r) => (r.headers['if-none-match'] ? { status: 304, headers: { etag: '"b"', 'x-v': '2', 'cache-control': 'max-age=100' } } : cc('max-age=100', { etag: '"b"', 'x-v': '3' })),
          expect: { headers: { 'x-v': { not: '2' } } },
        },
      ],
    },
    {
      id: 'validate-vary-fields-sent', section: '9111 §4.3.1', level: 'required', title: 'the conditional request carries the fields Vary names',
      steps: [
        { at: 0, headers: { foo: '1' }, reply: validating('"abc"', stale({ vary: 'foo' })), expect: { calls: 1 } },
        { at: 15, headers: { foo: '1' }, expect: { calls: 2, sent: { foo: '1' } } },
      ],
    },
    {
      id: 'validate-vary-all-etags', section: '9111 §4.3.1, §4.3.2', level: 'optional', title: 'with Vary, the entity tags of every stored variant are sent; a 304 picks one',
      steps: [
        { at: 0, headers: { foo: '1' }, reply: stale({ vary: 'foo', etag: '"a"' }), expect: { calls: 1 } },
        { at: 1, headers: { foo: '2' }, reply: stale({ vary: 'foo', etag: '"b"' }), expect: { calls: 2, body: 'r2' } },
        {
          at: 20, headers: { foo: '3' },
          reply: (r) => (String(r.headers['if-none-match'] ?? '').includes('"b"') ? { status: 304, headers: { etag: '"b"', vary: 'foo' } } : stale({ vary: 'foo', etag: '"c"' })),
          expect: { calls: 3, status: 200, body: 'r2' },
        },
      ],
    },
    {
      id: 'validate-client-inm-304', section: '9111 §4.3.2', level: 'optional', title: 'a client\'s If-None-Match matching a fresh stored response: 304 from the cache',
      steps: [
        { at: 0, reply: cc('max-age=100', { etag: '"abc"' }), expect: { calls: 1 } },
        { at: 1, headers: { 'if-none-match': '"abc"' }, expect: { calls: 1, status: 304, headers: { etag: '"abc"' } } },
      ],
    },
    {
      id: 'validate-client-ims-304', section: '9111 §4.3.2', level: 'optional', title: 'a client\'s If-Modified-Since not before Last-Modified: 304 from the cache',
      steps: [
        { at: 0, reply: cc('max-age=100', { 'last-modified': lastModified }), expect: { calls: 1 } },
        { at: 1, headers: { 'if-modified-since': new Date(Date.UTC(2026, 0, 1)).toUTCString() }, expect: { calls: 1, status: 304 } },
      ],
    },
    {
      id: 'validate-client-inm-nothing-stored', section: '9111 §4.3.2', level: 'required', title: 'a client\'s If-None-Match with nothing stored goes to the origin as it is',
      steps: [{ at: 0, headers: { 'if-none-match': '"x"' }, reply: cc('max-age=100'), expect: { calls: 1, sent: { 'if-none-match': '"x"' } } }],
    },
    {
      id: 'validate-client-inm-mismatch', section: '9110 §13.1.2', level: 'required', title: 'a client\'s If-None-Match that matches nothing stored is never answered 304',
      steps: [{ at: 0, reply: cc('max-age=100', { etag: '"abc"' }), expect: { calls: 1 } }, { at: 1, headers: { 'if-none-match': '"x"' }, expect: { status: 200 } }],
    },
    {
      id: 'validate-client-inm-merged', section: '9111 §4.3.2', level: 'required', title: 'a 304 for the cache\'s entity tag, not the client\'s, gives the client a 200',
      steps: [
        { at: 0, reply: validating('"abc"', stale({ 'x-v': '1' })), expect: { calls: 1 } },
        { at: 15, headers: { 'if-none-match': '"x"' }, expect: { status: 200 } },
      ],
    },
    {
      id: 'head-from-stored-get', section: '9111 §4.3.5, 9110 §9.3.2', level: 'optional', title: 'HEAD is answered from a stored GET',
      steps: [
        { at: 0, reply: cc('max-age=100', { 'x-kind': 'k' }), expect: { calls: 1 } },
        { at: 1, method: 'HEAD', expect: { calls: 1, status: 200, body: '', headers: { 'x-kind': 'k' } } },
      ],
    },
    {
      id: 'head-updates-get', section: '9111 §4.3.5', level: 'optional', title: 'a 200 to HEAD with the same validator updates the stored GET',
      steps: [
        { at: 0, reply: stale({ etag: '"a"', 'x-v': '1' }), expect: { calls: 1 } },
        { at: 15, method: 'HEAD', reply: cc('max-age=100', { etag: '"a"', 'x-v': '2' }), expect: { calls: 2, status: 200 } },
        { at: 20, expect: { calls: 2, body: 'r1', headers: { 'x-v': '2' } } },
      ],
    },
    {
      id: 'head-invalidates-changed-get', section: '9111 §4.3.5', level: 'optional', title: 'a 200 to HEAD with another validator makes the stored GET stale',
      steps: [
        { at: 0, reply: cc('max-age=100', { etag: '"a"' }), expect: { calls: 1 } },
        { at: 15, method: 'HEAD', headers: { 'cache-control': 'no-cache' }, reply: cc('max-age=100', { etag: '"b"' }), expect: { calls: 2 } },
        { at: 16, reply: cc('max-age=100', { etag: '"b"' }), expect: { calls: 3, body: 'r3' } },
      ],
    },
    {
      id: 'no-cache-validated', section: '9111 §5.2.2.4', level: 'optional', title: 'response no-cache: validated on every use, reused on 304',
      steps: [
        { at: 0, reply: validating('"n"', cc('no-cache, max-age=100')), expect: { calls: 1 } },
        { at: 1, expect: { calls: 2, status: 200, body: 'r1', sent: { 'if-none-match': '"n"' } } },
      ],
    },
  ];
}
