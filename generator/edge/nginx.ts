/**
 * `cachegen edge nginx`: the nginx `proxy_cache` configuration from the spec, to include in the
 * `http {}` block. nginx caches an operation only when the runtime's nginx adapter can purge
 * every URL it stores (runtime/edge/nginx-plan.ts); the rest goes to the app. The cache key is
 * `$uri`, plus `?name=$arg_name&…` for the query parameters every tag of the operation names;
 * a request with any other keyed parameter, a repeated or percent-encoded one, Authorization or
 * Cookie skips the cache. `PURGE /.cachegen-purge<url>` from the app's addresses removes one key
 * (ngx_cache_purge, Debian libnginx-mod-http-cache-purge, in its own location: its same-location
 * form crashes nginx 1.22's worker here). docs/edge.md.
 */
import { NGINX_PURGE_PREFIX, pathSegments, planNginx, type NginxRoutePlan, type PathSegment } from '@cachegen/runtime/edge';
import type { IrDocument } from '../ir/types.js';
import { address, comment, filePath, globRegex, hostPort, pathRegex, queryNameRegex } from './quote.js';
import { bySpecificity, edgeRoutesOf } from './routes.js';

/** Where purge requests go: `PURGE /.cachegen-purge/items/7` (ngx_cache_purge's own location). */
const PURGE_PREFIX = NGINX_PURGE_PREFIX;

export interface NginxConfigOptions {
  /** The app, `host:port`. */
  upstream: string;
  /** What the server listens on (`8080`, `127.0.0.1:8080`); default 8080. */
  listen?: string;
  /** Addresses allowed to PURGE (the app's); default 127.0.0.1 and ::1. */
  purgers?: string[];
  /** The cache folder (default /var/cache/nginx/cachegen). */
  cacheDir?: string;
}

interface Location {
  path: string;
  segments: PathSegment[];
  operationIds: string[];
  plan?: NginxRoutePlan;
  /** Why nginx does not cache this path's GET, when the spec caches it. */
  refused?: string;
}

/** The config text and, per operation the spec caches but nginx will not, why (the lint rule says the same). */
export function nginxConfig(ir: IrDocument, options: NginxConfigOptions): { text: string; refused: Array<{ operationId: string; reason: string }> } {
  const upstream = hostPort(options.upstream, '--upstream');
  const listen = options.listen ?? '8080';
  if (!/^(?:(?:\d{1,3}\.){3}\d{1,3}:|\[[0-9A-Fa-f:]+\]:)?\d{1,5}$/.test(listen)) throw new Error(`--listen: ${JSON.stringify(listen)} must be a port or address:port`);
  const purgers = (options.purgers?.length ? options.purgers : ['127.0.0.1', '::1']).map((a) => address(a, '--purge-from'));
  const cacheDir = filePath(options.cacheDir ?? '/var/cache/nginx/cachegen', '--cache-dir');
  const routes = edgeRoutesOf(ir);
  const { plans } = planNginx(routes);
  const locations = new Map<string, Location>();
  for (const route of routes) {
    let location = locations.get(route.path);
    if (!location) { location = { path: route.path, segments: pathSegments(route.path), operationIds: [] }; locations.set(route.path, location); }
    location.operationIds.push(route.operationId);
  }
  const refused: Array<{ operationId: string; reason: string }> = [];
  for (const plan of plans) {
    const location = locations.get(plan.route.path)!;
    if (plan.refused) { location.refused = plan.refused; refused.push({ operationId: plan.route.operationId, reason: plan.refused }); }
    else location.plan = plan;
  }
  const ordered = [...locations.values()].sort(bySpecificity);
  const maps: string[] = [];
  const blocks: string[] = [];
  ordered.forEach((location, i) => {
    const where = `operation ${location.operationIds.join(', ')} (${location.path})`;
    const match = locationMatch(location.segments, where);
    const head = [`  # ${comment(location.operationIds.join(', '))}: ${comment(location.path)}`];
    if (location.refused) head.push(`  # not cached by nginx: ${comment(location.refused)}`);
    if (!location.plan) {
      blocks.push([...head, `  location ${match} {`, '    if ($request_method = PURGE) { return 404; }', '    proxy_pass http://cachegen_app;', '  }'].join('\n'));
      return;
    }
    const plan = location.plan;
    const args = `$cachegen_args_${i}`;
    const allowed = argsRegex(plan, where);
    // An empty $args never reaches a regular expression in a map: say "" explicitly.
    maps.push(`map $args ${args} {\n  "" 0;\n${allowed === undefined ? '' : `  "~${allowed}" 0;\n`}  default 1;\n}`);
    const { policy } = plan.route;
    const key = plan.keyQuery.length ? `$uri?${plan.keyQuery.map((n) => `${n}=$arg_${n}`).join('&')}` : '$uri';
    blocks.push([
      ...head,
      `  # key: ${plan.keyQuery.length ? `path and ${plan.keyQuery.join(', ')}` : 'path only'}; x-cache ttl ${policy.ttl}s${policy.sMaxAge !== undefined ? `, sMaxAge ${policy.sMaxAge}s` : ''}, swr ${policy.swr}s`,
      `  location ${match} {`,
      '    proxy_pass http://cachegen_app;',
      '    proxy_cache cachegen;',
      `    proxy_cache_key "${key}";`,
      `    proxy_cache_valid 200 ${Math.floor(policy.sMaxAge ?? policy.ttl)}s;`,
      `    proxy_cache_bypass $cachegen_credentials ${args};`,
      `    proxy_no_cache $cachegen_credentials ${args};`,
      '    proxy_cache_lock on;',
      '    proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;',
      '    proxy_cache_background_update on;',
      '  }',
    ].join('\n'));
  });
  const text = [
    `# Generated by \`cachegen edge nginx\` from ${comment(ir.title)} ${comment(ir.version)}. Do not edit: regenerate.`,
    '# Include it in the http {} block; load ngx_cache_purge first (Debian: libnginx-mod-http-cache-purge). See docs/edge.md.',
    '',
    `proxy_cache_path ${cacheDir} levels=1:2 keys_zone=cachegen:10m max_size=1g inactive=1h use_temp_path=off;`,
    '',
    'upstream cachegen_app {',
    `  server ${upstream.host}:${upstream.port};`,
    '  keepalive 16;',
    '}',
    '',
    '# Credentials mean a per-caller answer: never from the shared cache.',
    'map "$http_authorization$http_cookie" $cachegen_credentials {',
    '  "" 0;',
    '  default 1;',
    '}',
    '',
    `# The cache key a purge request names: its path after ${PURGE_PREFIX}.`,
    'map $uri $cachegen_purge_key {',
    `  "~^${PURGE_PREFIX.replace('.', '[.]')}(?<key>/.*)$" $key;`,
    '}',
    '',
    '# Per cached path: 0 when the query holds only what its cache key can tell apart.',
    ...maps.flatMap((m) => [m, '']),
    'server {',
    `  listen ${listen};`,
    '  proxy_http_version 1.1;',
    '  proxy_set_header Connection "";',
    '  proxy_set_header Host $http_host;',
    '  add_header X-Cache $upstream_cache_status always;',
    '',
    `  # PURGE ${PURGE_PREFIX}<url> removes the entry whose key is <url> (the adapter sends the key's own form).`,
    `  location ^~ ${PURGE_PREFIX}/ {`,
    ...purgers.map((a) => `    allow ${a};`),
    '    deny all;',
    '    proxy_cache_purge cachegen "$cachegen_purge_key$is_args$args";',
    '  }',
    '',
    ...blocks.flatMap((b) => [b, '']),
    '  location / {',
    '    if ($request_method = PURGE) { return 404; }',
    '    proxy_pass http://cachegen_app;',
    '  }',
    '}',
    '',
  ].join('\n');
  return { text, refused };
}

/** `= /flags` for a literal path, `~ "^/products/[^/]+$"` for one with parameters (matched against nginx's decoded $uri). */
function locationMatch(segments: PathSegment[], where: string): string {
  if (segments.every((s) => s.kind === 'literal')) {
    for (const s of segments) pathRegex(s.text, where); // checks the text; an exact match uses it as written
    return `= /${segments.map((s) => (s as { text: string }).text).join('/')}`;
  }
  return `~ "^${segments.map((s) => '/' + (s.kind === 'param' ? '[^/]+' : pathRegex(s.text, where))).join('')}$"`;
}

/**
 * The queries nginx may cache for a plan: every key parameter once, with an unreserved value
 * (one spelling, so one nginx key per value), plus any ignored parameters; nothing else.
 * undefined: only the empty query (written as `""`, not as a regular expression).
 */
function argsRegex(plan: NginxRoutePlan, where: string): string | undefined {
  const names = plan.keyQuery.map((n) => queryNameRegex(n, where));
  const ignored = plan.ignoredQuery.map((g) => globRegex(g, where));
  const present = names.map((n) => `(?=(?:.*&)?${n}=)`).join('');
  const once = names.map((n) => `(?!(?:.*&)?${n}=.*&${n}=)`).join('');
  const pair = [
    ...(names.length ? [`(?:${names.join('|')})=[A-Za-z0-9._~-]*`] : []),
    ...(ignored.length ? [`(?:${ignored.join('|')})(?:=[^&]*)?`] : []),
  ];
  if (pair.length === 0) return undefined; // only the empty query
  const pairs = `(?:${pair.join('|')})(?:&(?:${pair.join('|')}))*`;
  return names.length ? `^${present}${once}${pairs}$` : `^(?:${pairs})?$`;
}
