/** The Vary header of a policy. */
import type { CachePolicy } from './policy.js';

/** `Accept-Language, Accept-Encoding`-style list of the policy's vary headers (canonical case), or undefined when there are none. */
export function varyHeader(policy: Pick<CachePolicy, 'vary'>): string | undefined {
  if (!policy.vary || policy.vary.length === 0) return undefined;
  const seen = new Set<string>();
  const names: string[] = [];
  for (const name of policy.vary) {
    const lower = name.trim().toLowerCase();
    if (lower === '' || seen.has(lower)) continue;
    seen.add(lower);
    names.push(lower === '*' ? '*' : lower.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase()));
  }
  return names.length === 0 ? undefined : names.join(', ');
}
