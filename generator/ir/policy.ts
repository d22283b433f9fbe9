/** The effective cache policy: x-cache-defaults under the operation's x-cache, every field resolved. */
import { POLICY_DEFAULTS, type CachePolicy } from '@cachegen/runtime';

export { POLICY_DEFAULTS };
import type { XCache } from '../schema/x-cache.js';
import type { IrCache, IrParameter } from './types.js';

/** Merges an annotation over the document defaults; vary is lower-cased and de-duplicated. */
export function effectivePolicy(defaults: XCache, own: XCache): CachePolicy {
  const merged = { ...POLICY_DEFAULTS, ...defaults, ...own };
  const policy: CachePolicy = {
    ttl: merged.ttl,
    swr: merged.swr,
    staleIfError: merged.staleIfError,
    scope: merged.scope,
    vary: [...new Set(merged.vary.map((h) => h.toLowerCase()))],
    tags: [...merged.tags],
    revalidate: merged.revalidate,
    sensitive: merged.sensitive,
    key: { ...merged.key },
  };
  if (merged.sMaxAge !== undefined) policy.sMaxAge = merged.sMaxAge;
  return policy;
}

/**
 * The policy of an operation whose x-cache (or the x-cache-defaults under it) has an error:
 * stored nowhere and answered with `no-store`, and private when the operation has security.
 * A bad annotation never falls back to a default that could share a response (docs/x-cache.md).
 */
export function failClosedPolicy(secured: boolean): CachePolicy {
  return { ...POLICY_DEFAULTS, scope: secured ? 'private' : 'public', vary: [], tags: [], key: {}, sensitive: true };
}

/**
 * Header and cookie parameters change what the handler answers, so they are part of the key and
 * of `Vary` whether or not x-cache lists them: a required `X-Tenant-Id` never lets two tenants
 * share an entry (#11 item 12). A cookie parameter varies on the whole Cookie header (keyed as
 * its HMAC, like every credential). Fail-closed policies store nothing and stay as they are.
 */
export function varyOnParameters(cache: IrCache, parameters: IrParameter[]): void {
  if (cache.invalid) return;
  const vary = cache.policy.vary;
  for (const param of parameters) {
    const header = param.in === 'header' ? param.name : param.in === 'cookie' ? 'cookie' : undefined;
    if (header === undefined || vary.includes(header)) continue;
    vary.push(header);
    cache.implicitVary.push(header);
  }
}
