/**
 * What advise does with each operation of the spec, decided once before reading the log:
 * reads (GET, HEAD) get the policy they have or the one advise would suggest, checked by the
 * lint rules (./safety), and the runtime's own key builder for it; writes get their
 * `x-cache-invalidates` templates. Everything per line reads this plan.
 */
import { createRestKeyer, parseTagTemplate, strongEtag, type CachePolicy, type RestKeyer, type TagTemplateSpec } from '@cachegen/runtime';
import { encodePrepared } from '@cachegen/runtime/fastify';
import { successContentType } from '../emit/operation-shape.js';
import { isMutation } from '../ir/method.js';
import { effectivePolicy } from '../ir/policy.js';

import type { IrDocument, IrOperation } from '../ir/types.js';
import { validateXCache, type XCache } from '../schema/x-cache.js';
import { pathsRelated, Router } from './routes.js';
import { judgeCandidates } from './safety.js';

/** One tag template as advise uses it. */
export interface TagPlan {
  template: TagTemplateSpec;
  /** The template with each placeholder as `{}`: `category:{query.category}` and `category:{body.category}` are both `category:{}`. */
  family: string;
  /** True when every placeholder comes from the request line (path, query, headers): a log can render it. */
  fromRequest: boolean;
  /** True when it fans out over an array (`{response.items[].id}`). */
  fanOut: boolean;
}

export interface ReadPlan {
  kind: 'read';
  index: number;
  op: IrOperation;
  /** True when the spec already has x-cache for it. */
  existing: boolean;
  /** The policy replayed: the spec's, or the one suggested (ttl and swr decided after the log is read). */
  policy: CachePolicy;
  /** The x-cache advise would write (candidates only). */
  annotation?: XCache;
  /** Why it may never be cached (lint, sensitive); no key is built then. */
  blocked?: string;
  keyer?: RestKeyer;
  tags: TagPlan[];
  /** Writes that change what it reads: related by path (see pathsRelated) or invalidating a tag family it carries. */
  relatedWrites: number[];
  /** Related by path, and invalidating none of its tag families: changes only a ttl bounds (staleness is counted for these). */
  uncoveredWrites: number[];
  /** Bytes of an L1 entry besides body, key and tags (the runtime's prepared-response head). */
  headBytes: number;
}

export interface WritePlan {
  kind: 'write';
  index: number;
  op: IrOperation;
  invalidates: TagPlan[];
}

/** The input a private keyer reads the caller from. */
export interface KeyInput {
  operationId: string;
  params: Record<string, string>;
  query: string;
  headers: Record<string, string>;
  caller: string | undefined;
}

export interface TrafficPlan {
  reads: ReadPlan[];
  writes: WritePlan[];
  router: Router<ReadPlan | WritePlan>;
  /** Families whose unknown values belong to the caller: they appear, unrenderable, on private reads. */
  callerFamilies: Set<string>;
}


/** `category:{query.category}` → `category:{}`. */
export function familyOf(template: TagTemplateSpec): string {
  return template.parts.map((p) => (p.kind === 'literal' ? p.text : '{}')).join('');
}

function tagPlan(template: TagTemplateSpec): TagPlan {
  return {
    template,
    family: familyOf(template),
    fromRequest: template.parts.every((p) => p.kind === 'literal' || p.kind === 'path' || p.kind === 'query' || p.kind === 'header'),
    fanOut: template.parts.some((p) => (p.kind === 'response' || p.kind === 'body') && p.path.some((s) => s.endsWith('[]'))),
  };
}

/** Templates of related writes that this read can render from its own request: the tags it should carry. */
function suggestedTags(read: IrOperation, writes: IrOperation[]): string[] {
  const pathParams = new Set(read.parameters.filter((p) => p.in === 'path').map((p) => p.name));
  const queryParams = new Set(read.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const out = new Set<string>();
  for (const write of writes) {
    if (!pathsRelated(write.path, read.path)) continue;
    for (const t of write.invalidates) {
      const renderable = t.parts.every((p) => p.kind === 'literal' || (p.kind === 'path' && pathParams.has(p.name)) || (p.kind === 'query' && queryParams.has(p.name)));
      if (renderable) out.add(t.source);
    }
  }
  return [...out].sort();
}

/** Bytes the runtime's prepared response adds to a body in L1 (status, content type, ETag; no tags). */
function headBytes(op: IrOperation): number {
  const media = successContentType(op);
  const contentType = media.includes('json') && !media.includes('charset') ? `${media}; charset=utf-8` : media;
  return encodePrepared({ status: 200, body: Buffer.alloc(0), contentType, etag: strongEtag(''), headers: {}, storable: true, tags: [] }).byteLength;
}

/** True when the write invalidates a family the read's tags carry. */
function covers(write: WritePlan, templates: TagTemplateSpec[]): boolean {
  return write.invalidates.some((t) => templates.some((r) => familyOf(r) === t.family));
}

function keyerFor(policy: CachePolicy): RestKeyer {
  return createRestKeyer({
    policy,
    identify: (input) => (input as KeyInput).caller,
  });
}

/** Plans every operation of the IR (see the module comment). */
export function planTraffic(ir: IrDocument): TrafficPlan {
  const writeOps = ir.operations.filter(isMutation);
  const readOps = ir.operations.filter((op) => op.method === 'get' || op.method === 'head');
  const rootDefaults = ir.bundled['x-cache-defaults'];
  const defaults = rootDefaults === undefined ? {} : validateXCache(rootDefaults).value;

  const candidates = new Map<IrOperation, XCache>();
  for (const op of readOps) {
    if (op.cache) continue;
    const tags = suggestedTags(op, writeOps);
    candidates.set(op, { ttl: 60, ...(tags.length ? { tags } : {}) });
  }
  const judged = judgeCandidates(ir, candidates);

  const writes: WritePlan[] = writeOps.map((op, index) => ({ kind: 'write', index, op, invalidates: op.invalidates.map(tagPlan) }));
  const reads: ReadPlan[] = readOps.map((op, index) => {
    const judgement = judged.get(op);
    const policy = op.cache ? op.cache.policy : effectivePolicy(defaults, judgement?.annotation ?? {});
    const templates: TagTemplateSpec[] = op.cache ? op.cache.tags : (judgement?.annotation.tags ?? []).flatMap((source) => {
      const parsed = parseTagTemplate(source);
      return 'parts' in parsed ? [{ source, parts: parsed.parts }] : [];
    });
    const blocked = op.cache?.invalid
      ? 'its x-cache has an error, so it is stored nowhere until that is fixed (cachegen lint)'
      : op.cache?.policy.sensitive ? 'sensitive: the spec says never store it' : judgement?.blocked;
    const plan: ReadPlan = {
      kind: 'read',
      index,
      op,
      existing: op.cache !== undefined,
      policy,
      tags: templates.map(tagPlan),
      relatedWrites: writes.filter((w) => pathsRelated(w.op.path, op.path) || covers(w, templates)).map((w) => w.index),
      uncoveredWrites: writes.filter((w) => pathsRelated(w.op.path, op.path) && !covers(w, templates)).map((w) => w.index),
      headBytes: headBytes(op),
    };
    if (judgement) plan.annotation = judgement.annotation;
    if (blocked) plan.blocked = blocked;
    else plan.keyer = keyerFor(policy);
    return plan;
  });

  const callerFamilies = new Set(reads.filter((r) => r.policy.scope === 'private').flatMap((r) => r.tags.filter((t) => !t.fromRequest).map((t) => t.family)));
  const servers = Array.isArray(ir.bundled.servers) ? (ir.bundled.servers as Array<{ url?: unknown }>) : [];
  const basePaths = servers.flatMap((s) => {
    if (typeof s.url !== 'string') return [];
    try {
      return [new URL(s.url, 'http://localhost').pathname];
    } catch {
      return [];
    }
  });
  const routes = [...reads, ...writes].map((target) => ({ operation: target.op, target }));
  return { reads, writes, router: new Router<ReadPlan | WritePlan>(routes, basePaths), callerFamilies };
}
