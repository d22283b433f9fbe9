/**
 * `@cachegen/runtime/edge`: purge CDNs and reverse proxies when tags are invalidated
 * (docs/edge.md). Wire it with `createCache({ onInvalidated: createEdgePurger({ adapters }).onInvalidated })`.
 */
export { createEdgePurger, type EdgePurger, type EdgePurgerOptions } from './purger.js';
export { EdgePurgeError, sendPurge, type EdgeAdapter } from './adapter.js';
export { varnish, type VarnishOptions } from './varnish.js';
export { nginx, type NginxOptions } from './nginx.js';
export { fastly, type FastlyOptions } from './fastly.js';
export { cloudflare, type CloudflareOptions } from './cloudflare.js';
export { webhook, type WebhookOptions } from './webhook.js';
export { edgeRoutes, isEdgeCacheable, pathSegments, type EdgeRoute, type PathSegment } from './routes.js';
export { planNginx, nginxTagUrls, matchTag, NGINX_QUERY_VALUE, NGINX_PURGE_PREFIX, type NginxRoutePlan, type UnmappableTag } from './nginx-plan.js';
export { cacheTagHeader } from './cache-tag.js';
