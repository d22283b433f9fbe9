/**
 * One log record seen through the plan: which operation it is, its cache key (the runtime's key
 * builder, with the log's caller as identity), the tags its entry would carry or its write would
 * invalidate, and the resources it reads or changes.
 *
 * A tag placeholder that only the response or the request body knows (`{response.category}`)
 * cannot be read from a log line; its value is estimated (docs/advise.md, "Tags a log cannot
 * show"): the caller's own value where the family belongs to private reads, else a value the log
 * shows for the same family (picked by hash), else unknown, which a write to the family then
 * invalidates (fail closed: more invalidation, never less).
 */
import { boundedMemo, renderTags, type TagSources } from '@cachegen/runtime';
import type { LogRecord } from './log/record.js';
import type { KeyInput, ReadPlan, TagPlan, TrafficPlan, WritePlan } from './plan.js';
import { readResources, writtenResources } from './routes.js';
import { hash32 } from './sketches.js';

export interface ReadAccess {
  kind: 'read';
  plan: ReadPlan;
  record: LogRecord;
  /** The cache key; undefined when the operation is never cached, or private and the line names no caller. */
  key: string | undefined;
  keyHash: number;
  /** Tags the entry carries (rendered, or estimated as a value of the family). */
  tags: string[];
  /** What a write must name to drop the entry: its tags, and family-wide labels for unknown values. */
  labels: string[];
  /** Hashes of the resources the read depends on (tags and path). */
  resources: number[];
  /** Bytes of the L1 entry the runtime would store: prepared head, tags, body, key. */
  size: number;
  /** Seconds the origin takes to answer it: its logged duration, or the operation's mean when the log has none (or served it from a cache). */
  loadSeconds: number;
}

export interface WriteAccess {
  kind: 'write';
  plan: WritePlan;
  record: LogRecord;
  /** True for a 2xx answer: only a successful write invalidates (as the generated server does). */
  succeeded: boolean;
  /** Tags it invalidates (rendered, or estimated). */
  tags: string[];
  /** Labels it drops (see ReadAccess.labels). */
  labels: string[];
  /** Hashes of the resources it changes (tags and path). */
  resources: number[];
}

export interface UnmatchedAccess {
  kind: 'unmatched';
  record: LogRecord;
  path: string;
}

export type Access = ReadAccess | WriteAccess | UnmatchedAccess;

/** Values seen for each tag family, kept to a bounded number, for estimating unknown ones. */
export class TagDomains {
  static readonly MAX_VALUES = 4096;
  private readonly values = new Map<string, string[]>();
  private readonly seen = new Map<string, Set<string>>();

  /** Records a rendered tag of family. */
  add(family: string, tag: string): void {
    let set = this.seen.get(family);
    if (!set) {
      set = new Set();
      this.seen.set(family, set);
      this.values.set(family, []);
    }
    if (set.size >= TagDomains.MAX_VALUES || set.has(tag)) return;
    set.add(tag);
    this.values.get(family)!.push(tag);
  }

  /** A value of family chosen by seed, or undefined when the log showed none. */
  pick(family: string, seed: number): string | undefined {
    const values = this.values.get(family);
    return values && values.length > 0 ? values[seed % values.length] : undefined;
  }

  /** Number of values kept for family. */
  size(family: string): number {
    return this.values.get(family)?.length ?? 0;
  }
}

const EXACT_OF_FAMILY = '\u0001w:';
const WHOLE_FAMILY = '\u0001f:';
const CALLER_OF_FAMILY = '\u0001c:';

function queryObject(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}

function tagsJsonBytes(tags: string[]): number {
  let n = 0;
  for (const tag of tags) n += tag.length + 3;
  return tags.length > 0 ? n - 1 : 0;
}

/** Most values a fanned-out template is estimated to have in one response. */
const MAX_FAN_OUT = 1000;
/** Paths whose resource hashes are remembered (hot paths repeat; oldest forgotten first). */
const PATH_MEMO = 4096;

const usesQuery = (templates: TagPlan[]): boolean => templates.some((t) => t.template.parts.some((p) => p.kind === 'query'));

/** What the first pass learned that later passes use to fill in what a line does not say. */
export interface FirstPassFacts {
  /** Values seen per tag family. */
  domains: TagDomains;
  /** Mean body bytes per read plan, for lines that do not say (HEAD, `-`). */
  meanBytes: number[];
  /** Mean origin seconds per read plan, for lines without a duration of their own. */
  meanOriginSeconds: number[];
  /** Seconds per read plan a logged request spends outside the origin (see Profile), taken off each duration. */
  overheadSeconds: number[];
  /**
   * Mean body bytes of a read that returns one item of a family (a template such as
   * `product:{id}`): a response fanning out over the family holds about its bytes ÷ this many.
   */
  itemBytes: Map<string, number>;
}

/** Classifies log records against a plan. */
export class TrafficClassifier {
  private writeSeed = 0x9e3779b9;
  private readonly domains: TagDomains;
  private readonly keyInput: KeyInput = { operationId: '', params: {}, query: '', headers: {}, caller: undefined };
  private readonly readHashes: Array<(path: string) => number[]>;
  private readonly queryUsers: Set<ReadPlan | WritePlan>;
  private readonly facts: FirstPassFacts | undefined;

  /**
   * The first pass gives `domains` (filled as lines are classified) and no facts: it estimates
   * nothing. Later passes give the facts it learned, and unknown tag values are estimated from them.
   */
  constructor(private readonly plan: TrafficPlan, learning: TagDomains | FirstPassFacts) {
    this.facts = learning instanceof TagDomains ? undefined : learning;
    this.domains = learning instanceof TagDomains ? learning : learning.domains;
    this.queryUsers = new Set([...plan.reads.filter((r) => usesQuery(r.tags)), ...plan.writes.filter((w) => usesQuery(w.invalidates))]);
    // A read's path resources name the writes no tag covers (see writtenPathHashes), so a covered write never counts as a stale hit.
    this.readHashes = plan.reads.map((read) => boundedMemo(PATH_MEMO, (path: string) => read.uncoveredWrites.flatMap((w) => readResources(path).map((r) => hash32(`${w}:${r}`)))));
  }

  /** The access a record is. */
  classify(record: LogRecord): Access {
    const target = record.target;
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    const match = this.plan.router.match(record.method, path);
    if (!match) return { kind: 'unmatched', record, path };
    const sources: TagSources = { params: match.params, headers: record.headers };
    const plan = match.target;
    if (this.queryUsers.has(plan)) sources.query = queryObject(query);
    return plan.kind === 'read' ? this.read(plan, record, path, query, match.params, sources) : this.write(plan, record, path, sources);
  }

  private read(plan: ReadPlan, record: LogRecord, path: string, query: string, params: Record<string, string>, sources: TagSources): ReadAccess {
    let key: string | undefined;
    if (plan.keyer) {
      const input = this.keyInput;
      input.operationId = plan.op.operationId;
      input.params = params;
      input.query = query;
      input.headers = record.headers;
      input.caller = record.caller;
      key = plan.keyer(input);
    }
    const keyHash = key === undefined ? 0 : hash32(key);
    const bytes = record.bytes >= 0 && record.method !== 'HEAD' ? record.bytes : (this.facts?.meanBytes[plan.index] ?? 0);
    const tags: string[] = [];
    const labels: string[] = [];
    for (const t of plan.tags) this.entryTag(t, plan, record, sources, keyHash, bytes, tags, labels);
    let byPath = this.readHashes[plan.index]!(path);
    // A private answer depends on who asks: only the same caller's writes change it.
    if (plan.policy.scope === 'private' && byPath.length > 0) byPath = byPath.map((h) => hash32(`${h}@${record.caller ?? ''}`));
    const resources = tags.length === 0 ? byPath : [...byPath, ...tags.map(hash32)];
    const size = key === undefined ? 0 : plan.headBytes + tagsJsonBytes(tags) + bytes + key.length;
    const overhead = this.facts?.overheadSeconds[plan.index] ?? 0;
    const loadSeconds = !record.cached && record.duration >= 0 ? Math.max(0, record.duration - overhead) : (this.facts?.meanOriginSeconds[plan.index] ?? 0);
    return { kind: 'read', plan, record, key, keyHash, tags, labels, resources, size, loadSeconds };
  }

  /** How many values of an unknown template to estimate for an entry of `bytes` (0: not estimable). */
  private estimatedValues(t: TagPlan, bytes: number): number {
    const known = this.domains.size(t.family);
    if (!this.facts || known === 0) return 0;
    if (!t.fanOut) return 1;
    const item = this.facts.itemBytes.get(t.family);
    if (!item) return 0;
    return Math.min(known, MAX_FAN_OUT, Math.max(1, Math.round(bytes / item)));
  }

  /** The tags and labels one template gives an entry. */
  private entryTag(t: TagPlan, plan: ReadPlan, record: LogRecord, sources: TagSources, keyHash: number, bytes: number, tags: string[], labels: string[]): void {
    labels.push(WHOLE_FAMILY + t.family);
    if (t.fromRequest) {
      for (const tag of renderTags([t.template], sources)) {
        tags.push(tag);
        labels.push(tag);
        this.domains.add(t.family, tag);
      }
      return;
    }
    if (plan.policy.scope === 'private' && record.caller !== undefined) {
      labels.push(CALLER_OF_FAMILY + t.family + '\u0000' + record.caller);
      return;
    }
    const count = this.estimatedValues(t, bytes);
    if (count === 0) labels.push(EXACT_OF_FAMILY + t.family);
    for (let i = 0; i < count; i++) {
      const estimate = this.domains.pick(t.family, keyHash + i)!;
      tags.push(estimate);
      labels.push(estimate);
    }
  }

  private write(plan: WritePlan, record: LogRecord, path: string, sources: TagSources): WriteAccess {
    const succeeded = record.status >= 200 && record.status < 300;
    const tags: string[] = [];
    const labels: string[] = [];
    if (succeeded) {
      // One write's unknown values of one family are taken to be one value (a body's category is the response's).
      const picks = new Map<string, string | undefined>();
      for (const t of plan.invalidates) this.writeTag(t, record, sources, picks, tags, labels);
    }
    const resources = succeeded ? [...this.writtenPathHashes(plan, path, record.caller), ...tags.map(hash32)] : [];
    return { kind: 'write', plan, record, succeeded, tags, labels, resources };
  }

  /** A write's path resources, named by the write (`<write index>:<resource>`), also for its caller alone (private reads). */
  private writtenPathHashes(plan: WritePlan, path: string, caller: string | undefined): number[] {
    const named = writtenResources(path).map((r) => hash32(`${plan.index}:${r}`));
    return [...named, ...named.map((h) => hash32(`${h}@${caller ?? ''}`))];
  }

  /** The tags and labels one invalidation template drops. */
  private writeTag(t: TagPlan, record: LogRecord, sources: TagSources, picks: Map<string, string | undefined>, tags: string[], labels: string[]): void {
    if (t.fromRequest) {
      for (const tag of renderTags([t.template], sources)) {
        tags.push(tag);
        labels.push(tag, EXACT_OF_FAMILY + t.family);
        this.domains.add(t.family, tag);
      }
      return;
    }
    if (this.plan.callerFamilies.has(t.family) && record.caller !== undefined) {
      labels.push(CALLER_OF_FAMILY + t.family + '\u0000' + record.caller, EXACT_OF_FAMILY + t.family);
      return;
    }
    if (!picks.has(t.family)) {
      this.writeSeed = (Math.imul(this.writeSeed, 1664525) + 1013904223) >>> 0;
      picks.set(t.family, this.facts ? this.domains.pick(t.family, this.writeSeed) : undefined);
    }
    const estimate = picks.get(t.family);
    if (estimate === undefined) labels.push(WHOLE_FAMILY + t.family);
    else if (!tags.includes(estimate)) {
      tags.push(estimate);
      labels.push(estimate, EXACT_OF_FAMILY + t.family);
    }
  }
}
