/** What `advise` reports: the contract of `advice.json` and of the Markdown report (docs/advise.md). */
import type { XCache } from '../schema/x-cache.js';
import type { LogFormat } from './log/record.js';
import type { MalformedLine } from './profile.js';

/** What advise says about one read operation. */
export type Verdict =
  /** Not cached today; advise suggests the `annotation`. */
  | 'cache'
  /** Not cached today, and advise says leave it so (see reasons). */
  | 'do-not-cache'
  /** Cached by the spec today; replayed with its own policy, left as it is. */
  | 'cached'
  /** Marked sensitive by the spec, or its x-cache has an error: stored nowhere, not replayed. */
  | 'never-stored';

/** What the log says about one read operation. */
export interface ReadTraffic {
  reads: number;
  readsPerSecond: number;
  /** Successful writes to what it reads (related by path or by tag family). */
  writes: number;
  writesPerSecond: number;
  /** Reads per write; Infinity without writes. */
  readsPerWrite: number;
  /** Distinct cache keys (the runtime's key builder, vary and identity included), estimated. */
  distinctKeys: number;
  /** Reads per key. */
  readsPerKey: number;
  /** Distinct callers among the reads (private operations key by them). */
  callers: number;
  /** Share of reads that went to the 10 most read keys. */
  top10Share: number;
  /** Zipf exponent fitted to the most read keys' counts (about 1: a few keys get most reads); NaN with too few keys. */
  zipf: number;
  meanBytes: number;
  p99Bytes: number;
  /** Origin latency (the miss cost), ms: the duration of reads the log does not mark as cache hits, less the mean duration of those it does. */
  meanOriginMs: number;
  p99OriginMs: number;
  /** Seconds from a write to the next read of what it changed. */
  writeToRead?: { count: number; p50: number; p99: number };
  /** Reads a cache in front already answered (the log's cache status). */
  cachedInLog: number;
}

/** Hit ratio at one ttl, with an L1 large enough for everything. */
export interface TtlPoint {
  ttl: number;
  hitRatio: number;
  /** Share of hits on data a write to its path had changed (a change no tag covered). */
  staleShare: number;
}

export interface Prediction {
  /** Hit ratio at the recommended L1 size. */
  hitRatio: number;
  /** Reads that had a key (scaled back up when the replay sampled keys). */
  lookups: number;
  /** Reads served from L1 (scaled back up when the replay sampled keys). */
  hits: number;
  /** Origin time those hits save, seconds (hits × mean origin latency). */
  originSecondsSaved: number;
  /** Hits that, without tag invalidation, would have served data a write had invalidated. */
  staleWithoutInvalidation: number;
  /** Hits on data a write to its path had changed, that no tag invalidated. */
  staleByPath: number;
}

export interface OperationAdvice {
  operationId: string;
  method: string;
  path: string;
  verdict: Verdict;
  /** Why, in a sentence each. */
  reasons: string[];
  /** The x-cache --apply writes (verdict 'cache' only). */
  annotation?: XCache;
  /** The policy replayed (verdicts 'cache' and 'cached'). */
  policy?: { ttl: number; swr: number; scope: 'public' | 'private'; tags: string[] };
  traffic: ReadTraffic;
  ttlCurve: TtlPoint[];
  prediction?: Prediction;
}

export interface WriteAdvice {
  operationId: string;
  method: string;
  path: string;
  writes: number;
  writesPerSecond: number;
  invalidates: string[];
}

/** One L1 size, both policies. */
export interface SizePoint {
  maxBytes: number;
  tinylfu: number;
  lru: number;
}

export interface AdviceReport {
  log: {
    file: string;
    format: LogFormat;
    lines: number;
    malformed: number;
    malformedExamples: MalformedLine[];
    /** Requests that match no operation of the spec. */
    unmatched: number;
    unmatchedTop: Array<{ request: string; count: number }>;
    /** Lines more than a second earlier than one before them. */
    outOfOrder: number;
    from: string;
    to: string;
    seconds: number;
    /** Share of keys the replay followed (1: all of them). */
    sampleRate: number;
  };
  spec: string;
  operations: OperationAdvice[];
  writes: WriteAdvice[];
  l1: {
    /** The recommended `l1.maxBytes`: the knee of the hit ratio curve. */
    maxBytes: number;
    policy: 'tinylfu' | 'lru';
    /** Hit ratio over every cached read at maxBytes. */
    hitRatio: number;
    /** The same, with an L1 of the largest size replayed. */
    hitRatioLargest: number;
    curve: SizePoint[];
    originSecondsSaved: number;
    /** Origin time of every read of the cached operations, seconds. */
    originSecondsTotal: number;
    staleWithoutInvalidation: number;
  };
}
