/**
 * invalidation-matches-nothing: an `x-cache-invalidates` tag that no cached operation produces, so the
 * invalidation silently does nothing (usually a typo, or a read whose tags changed).
 */
import type { TagTemplate } from '../../ir/types.js';
import type { Rule } from '../types.js';
import { describe, storedOperations } from './helpers.js';

/** A template as literal characters and wildcards (one per placeholder). */
type Pattern = Array<string | null>;

function toPattern(template: TagTemplate): Pattern {
  return template.parts.flatMap((part) => (part.kind === 'literal' ? [...part.text] : [null]));
}

function literalPrefix(pattern: Pattern): string {
  const end = pattern.indexOf(null);
  return (end === -1 ? pattern : pattern.slice(0, end)).join('');
}

/** Whether some tag can match both patterns (`null` matches any non-empty text). */
export function patternsOverlap(a: Pattern, b: Pattern): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === a.length || j === b.length) result = i === a.length && j === b.length;
    else if (a[i] === null || b[j] === null) {
      // A wildcard takes one character of the other side and may take more.
      const wa = a[i] === null;
      const wb = b[j] === null;
      result = go(i + 1, j + 1) || (wa && go(i, j + 1)) || (wb && go(i + 1, j));
    } else result = a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/**
 * The produced patterns whose literal prefix agrees with `prefix` (one starts with the other), found
 * through an index rather than by comparing with every produced pattern: a spec where each of
 * thousands of resources has its own tags would otherwise cost invalidations × tags comparisons.
 */
function candidatesByPrefix<P extends { prefix: string }>(produced: readonly P[]): (prefix: string) => P[] {
  const byPrefix = new Map<string, P[]>();
  for (const p of produced) {
    const group = byPrefix.get(p.prefix);
    if (group) group.push(p);
    else byPrefix.set(p.prefix, [p]);
  }
  // Sorted by UTF-16 code units, as startsWith compares: the prefixes starting with `s` are one run from s's place.
  const sorted = [...byPrefix.keys()].sort();
  return (prefix) => {
    const out: P[] = [];
    // Produced prefixes that `prefix` starts with (itself included).
    for (let end = 0; end <= prefix.length; end++) out.push(...(byPrefix.get(prefix.slice(0, end)) ?? []));
    // Longer produced prefixes that start with `prefix`.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) {
      if (sorted[i] !== prefix) out.push(...byPrefix.get(sorted[i]!)!);
    }
    return out;
  };
}

export const invalidationMatchesNothing: Rule = {
  id: 'invalidation-matches-nothing',
  description: 'Every x-cache-invalidates tag must match a tag some cached operation produces.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    // Many reads share templates (`item:{response.items[].id}`): compare each distinct one once.
    const bySource = new Map<string, Pattern>();
    for (const op of storedOperations(ir.operations)) for (const tag of op.cache.tags) if (!bySource.has(tag.source)) bySource.set(tag.source, toPattern(tag));
    const produced = [...bySource.entries()].map(([source, pattern]) => ({ source, pattern, prefix: literalPrefix(pattern) }));
    const candidates = candidatesByPrefix(produced);
    const verdicts = new Map<string, boolean>();
    const matches = (template: TagTemplate): boolean => {
      let verdict = verdicts.get(template.source);
      if (verdict === undefined) {
        const pattern = toPattern(template);
        // Literal prefixes must agree before the (costlier) wildcard match can succeed.
        verdict = candidates(literalPrefix(pattern)).some((p) => patternsOverlap(pattern, p.pattern));
        verdicts.set(template.source, verdict);
      }
      return verdict;
    };
    for (const op of ir.operations) {
      for (const template of op.invalidates) {
        if (matches(template)) continue;
        const known = produced.map((p) => p.source);
        const hint = known.length ? `cached operations produce: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}` : 'no cached operation declares tags';
        report({ location: template.location, message: `${describe(op)} invalidates "${template.source}" but no cached operation produces a matching tag (${hint})` });
      }
    }
  },
};
