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

export const invalidationMatchesNothing: Rule = {
  id: 'invalidation-matches-nothing',
  description: 'Every x-cache-invalidates tag must match a tag some cached operation produces.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    // Many reads share templates (`item:{response.items[].id}`): compare each distinct one once.
    const bySource = new Map<string, Pattern>();
    for (const op of storedOperations(ir.operations)) for (const tag of op.cache.tags) if (!bySource.has(tag.source)) bySource.set(tag.source, toPattern(tag));
    const produced = [...bySource.entries()].map(([source, pattern]) => ({ source, pattern, prefix: literalPrefix(pattern) }));
    const verdicts = new Map<string, boolean>();
    const matches = (template: TagTemplate): boolean => {
      let verdict = verdicts.get(template.source);
      if (verdict === undefined) {
        const pattern = toPattern(template);
        const prefix = literalPrefix(pattern);
        // Literal prefixes must agree before the (costlier) wildcard match can succeed.
        verdict = produced.some((p) => (p.prefix.startsWith(prefix) || prefix.startsWith(p.prefix)) && patternsOverlap(pattern, p.pattern));
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
