/** How nginx's plan maps a tag to the URLs it must purge, and which operations it refuses. */
import { describe, expect, it } from 'vitest';
import { matchTag, nginxTagUrls, planNginx, type EdgeRoute } from '@cachegen/runtime/edge';
import type { TagTemplateSpec } from '@cachegen/runtime';
import { parseTagTemplate } from 'cachegen';

const policy = { ttl: 60, swr: 0, staleIfError: 0, scope: 'public' as const, vary: [], tags: [], revalidate: false, sensitive: false, key: {} };
const template = (source: string): TagTemplateSpec => {
  const parsed = parseTagTemplate(source);
  if ('error' in parsed) throw new Error(parsed.error);
  return { source, parts: parsed.parts };
};
const route = (path: string, tags: string[], extra: Partial<EdgeRoute> = {}): EdgeRoute =>
  ({ operationId: path, method: 'GET', path, policy, tags: tags.map(template), query: [], ...extra });

describe('matchTag', () => {
  it.each([
    ['product:{id}', 'product:42', [{ 'path:id': '42' }]],
    ['product:{id}', 'products:42', []],
    ['product:{id}', 'product:', []],
    ['a:{x}:{y}', 'a:1:2:3', [{ 'path:x': '1', 'path:y': '2:3' }, { 'path:x': '1:2', 'path:y': '3' }]],
    ['cat:{query.c}', 'cat:', [{ 'query:c': '' }]],
    ['flags', 'flags', [{}]],
  ] as const)('%s against %s', (source, tag, expected) => {
    expect(matchTag(template(source).parts, tag)).toEqual(expected);
  });
});

describe('planNginx', () => {
  it('maps path and query tags to the key URLs, and the key to the query parameters every tag names', () => {
    const { plans, unmappable } = planNginx([
      route('/products/{id}', ['product:{id}']),
      route('/products', ['cat:{query.category}'], { query: ['category', 'page'] }),
      route('/shelves/{shelf}', ['shelf:{shelf}', 'all']),
    ]);
    expect(unmappable.map((u) => [u.operationId, u.template.source])).toEqual([['/shelves/{shelf}', 'all']]);
    expect(plans.map((p) => [p.route.path, p.refused ?? 'cached', p.keyQuery])).toEqual([
      ['/products/{id}', 'cached', []],
      ['/products', 'cached', ['category']],
      ['/shelves/{shelf}', expect.stringContaining('does not name the path parameter {shelf}'), []],
    ]);
    const urls = nginxTagUrls(plans);
    expect(urls('product:a b')).toEqual(['/products/a%20b']);
    expect(urls('product:a/b')).toEqual([]); // nginx never routed it to that location
    expect(urls('cat:shoes')).toEqual(['/products?category=shoes']);
    expect(urls('cat:red shoes')).toEqual([]); // not unreserved: the config sends such requests past the cache
    expect(urls('shelf:s1')).toEqual([]);
  });

  it('refuses response-, body- and header-derived tags, vary, and private or sensitive operations', () => {
    const { plans, unmappable } = planNginx([
      route('/a', ['x:{response.id}']),
      route('/b', ['x:{header.x-tenant}']),
      route('/c', [], { policy: { ...policy, vary: ['accept-language'] } }),
      route('/d', [], { policy: { ...policy, scope: 'private' } }),
      route('/e', [], { policy: { ...policy, sensitive: true } }),
      route('/f', [], { method: 'POST' }),
    ]);
    expect(unmappable.map((u) => u.reason)).toEqual([
      'is read from the response body, so the URLs that carry it cannot be known from the spec',
      'is read from the request headers, so the URLs that carry it cannot be known from the spec',
    ]);
    expect(plans.map((p) => [p.route.path, p.refused?.slice(0, 20)])).toEqual([
      ['/a', 'tag "x:{response.id}'], ['/b', 'tag "x:{header.x-ten'], ['/c', 'it varies on accept-'],
    ]);
  });
});
