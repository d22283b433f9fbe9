/**
 * Runs the RFC 9111 conformance table (conformance-table.ts) against an HTTP cache that looks
 * like `fetch`, over a real loopback origin, on a virtual clock the table drives. The same
 * runner serves the vitest suite (cachedFetch) and `npm run conformance` (cachedFetch and
 * undici side by side): a row means the same thing for every contender.
 */
import { startOrigin, type Origin, type OriginReply, type OriginRequest } from '../support/origin.js';

/** A header value the origin sends: literal, one field line per array item, or computed from the origin's clock (ms). */
export type HeaderValue = string | string[] | ((nowMs: number) => string);

/** What the origin answers during a step. */
export interface Reply {
  status?: number;
  headers?: Record<string, HeaderValue>;
  /** Default: `r<n>`, n counting the row's origin requests from 1. */
  body?: string;
  /** Close the connection instead of answering. */
  close?: boolean;
  noDate?: boolean;
  /** Seconds of virtual time the origin takes before answering (the clock moves on meanwhile). */
  delay?: number;
}

/** What a reply script knows besides the request: the row's URLs (for Location headers). */
export interface ReplyContext {
  /** The absolute URL of `path` under the row's prefix; `otherHost`: under the name `localhost` (another origin). */
  url(path: string, otherHost?: boolean): string;
}

export type ReplyScript = Reply | ((request: OriginRequest, n: number, context: ReplyContext) => Reply);

/** Response header expectations: a value, null for absent, or a value it must not have. */
export type HeaderExpectation = string | null | { not: string };

export interface Outcome {
  status?: number;
  /** The body, or a body it must not be. */
  body?: string | { not: string };
  headers?: Record<string, HeaderExpectation>;
}

export interface Expect extends Outcome {
  /** Requests the origin has received in this row so far (after background work settled). */
  calls?: number;
  /** Header values of the last request the origin received during this step (null: absent); fails when it received none. */
  sent?: Record<string, string | null>;
  /** Like `sent`, checked only when that request was conditional (If-None-Match or If-Modified-Since). */
  sentIfConditional?: Record<string, string | null>;
  /** Checked only when the step did not reach the origin (a cache that forwards is not judged by them). */
  ifCached?: Outcome;
  /** The response must match one of these (e.g. a 206 of the range, or the whole as a 200). */
  anyOf?: Outcome[];
}

export interface Step {
  /** Seconds since the row started, on the virtual clock. */
  at: number;
  method?: string;
  /** Appended to the row's own URL prefix. */
  path?: string;
  headers?: Record<string, string>;
  /** Send the request to the same server under the name `localhost` (another origin). */
  otherHost?: boolean;
  /** The origin's answer to requests during this step; default: the previous step's. */
  reply?: ReplyScript;
  expect: Expect;
}

export type Level = 'required' | 'optional';

export interface Row {
  id: string;
  /** Where the rule is written, e.g. `9111 §4.2.1`. */
  section: string;
  /** What is checked, in a few words. */
  title: string;
  /** required: a MUST / MUST NOT that applies to the cache; optional: SHOULD, MAY, extensions, policies. */
  level: Level;
  /** Run against a shared cache (default: private). */
  shared?: boolean;
  steps: Step[];
}

/** A virtual clock in ms. */
export interface Clock {
  now(): number;
  set(ms: number): void;
}

/** One HTTP cache under test, created fresh for every row. */
export interface CacheUnderTest {
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Resolves when background work (stale-while-revalidate refreshes) is done. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface Contender {
  name: string;
  create(options: { clock: Clock; shared: boolean }): CacheUnderTest;
}

export interface RowResult {
  id: string;
  level: Level;
  passed: boolean;
  /** The first expectation that failed. */
  failure?: string;
}

/** The instant every row starts at (the origin's Date headers are on this clock too). */
export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

/** An HTTP-date `offset` seconds from the origin's clock when it answers. */
export const date = (offsetSeconds: number) => (nowMs: number) => new Date(nowMs + offsetSeconds * 1000).toUTCString();

/** An origin, a virtual clock and a prefix per row: runs rows against contenders. */
export class ConformanceRunner {
  private rowCount = 0;

  private constructor(private readonly origin: Origin, readonly clock: Clock) {}

  static async start(): Promise<ConformanceRunner> {
    let ms = T0;
    const clock = { now: () => ms, set: (value: number) => { ms = value; } };
    const origin = await startOrigin(() => clock.now());
    return new ConformanceRunner(origin, clock);
  }

  async close(): Promise<void> {
    await this.origin.close();
  }

  /** Runs one row against a fresh instance of the contender; never throws. */
  async run(row: Row, contender: Contender): Promise<RowResult> {
    const prefix = `row${++this.rowCount}`;
    let current: ReplyScript = {};
    const clock = this.clock;
    const context: ReplyContext = { url: (path, otherHost) => hostFor(`${this.origin.base}/${prefix}${path}`, otherHost) };
    const route = this.origin.route(prefix, (request, n) => toOriginReply(current, request, n, clock, context));
    clock.set(T0);
    const cache = contender.create({ clock, shared: row.shared ?? false });
    const result: RowResult = { id: row.id, level: row.level, passed: true };
    try {
      for (const [i, step] of row.steps.entries()) {
        if (step.reply !== undefined) current = step.reply;
        const failure = await this.runStep(step, cache, route.url, route.calls);
        if (failure !== undefined) {
          result.passed = false;
          result.failure = `step ${i} (t=${step.at}s): ${failure}`;
          break;
        }
      }
    } catch (error) {
      result.passed = false;
      result.failure = `harness: ${String(error)}`;
    } finally {
      await cache.close().catch(() => {});
      route.remove();
    }
    return result;
  }

  private async runStep(step: Step, cache: CacheUnderTest, base: string, calls: OriginRequest[]): Promise<string | undefined> {
    this.clock.set(T0 + step.at * 1000);
    const before = calls.length;
    const url = hostFor(base + (step.path ?? ''), step.otherHost);
    let status = 0;
    let body = '';
    let headers = new Headers();
    try {
      const response = await cache.fetch(url, { method: step.method ?? 'GET', headers: step.headers, redirect: 'manual' });
      status = response.status;
      headers = response.headers;
      body = await response.text();
    } catch {
      // A network error: status 0, as fetch reports it.
    }
    const reached = calls.length > before;
    await cache.settle();
    const { expect } = step;
    if (expect.calls !== undefined && calls.length !== expect.calls) return `origin calls ${calls.length}, expected ${expect.calls}`;
    const outcome = check(expect, status, body, headers);
    if (outcome) return outcome;
    if (expect.anyOf && expect.anyOf.every((want) => check(want, status, body, headers) !== undefined)) {
      return `status ${status}, body ${JSON.stringify(body.slice(0, 40))}: none of the acceptable answers`;
    }
    const last = reached ? calls[calls.length - 1]!.headers : undefined;
    if (expect.sent) {
      if (!last) return 'the origin was not asked';
      const failure = checkSent(expect.sent, last);
      if (failure) return failure;
    }
    if (expect.sentIfConditional && last && (last['if-none-match'] !== undefined || last['if-modified-since'] !== undefined)) {
      const failure = checkSent(expect.sentIfConditional, last);
      if (failure) return failure;
    }
    if (expect.ifCached && !reached) return check(expect.ifCached, status, body, headers, ' (answered from the cache)');
    return undefined;
  }
}

function hostFor(url: string, otherHost: boolean | undefined): string {
  return otherHost ? url.replace('127.0.0.1', 'localhost') : url;
}

function checkSent(want: Record<string, string | null>, seen: OriginRequest['headers']): string | undefined {
  for (const [name, expected] of Object.entries(want)) {
    const got = seen[name.toLowerCase()];
    const value = got === undefined ? null : Array.isArray(got) ? got.join(', ') : got;
    if (value !== expected) return `origin got ${name}: ${String(value)}, expected ${String(expected)}`;
  }
  return undefined;
}

function check(want: Outcome, status: number, body: string, headers: Headers, where = ''): string | undefined {
  if (want.status !== undefined && status !== want.status) return `status ${status}, expected ${want.status}${where}`;
  if (typeof want.body === 'string' && body !== want.body) return `body ${JSON.stringify(body.slice(0, 40))}, expected ${JSON.stringify(want.body)}${where}`;
  if (typeof want.body === 'object' && body === want.body.not) return `body ${JSON.stringify(body)}, expected anything else${where}`;
  for (const [name, expected] of Object.entries(want.headers ?? {})) {
    const got = headers.get(name);
    if (expected !== null && typeof expected === 'object') {
      if (got === expected.not) return `${name}: ${got}, expected anything else${where}`;
    } else if (got !== expected) {
      return `${name}: ${String(got)}, expected ${String(expected)}${where}`;
    }
  }
  return undefined;
}

function toOriginReply(script: ReplyScript, request: OriginRequest, n: number, clock: Clock, context: ReplyContext): OriginReply {
  const reply = typeof script === 'function' ? script(request, n, context) : script;
  const headersAt = (): Record<string, string | string[]> => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(reply.headers ?? {})) out[name] = typeof value === 'function' ? value(clock.now()) : value;
    return out;
  };
  const base = { status: reply.status, body: reply.body ?? `r${n}`, close: reply.close, noDate: reply.noDate };
  if (!reply.delay) return { ...base, headers: headersAt() };
  // A slow origin: the clock moves on while it works; its headers are written when it answers.
  const answer: OriginReply = { ...base };
  answer.hold = Promise.resolve().then(() => {
    clock.set(clock.now() + reply.delay! * 1000);
    answer.headers = headersAt();
  });
  return answer;
}
