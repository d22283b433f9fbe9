/** The shop fixture's traffic (fixtures/shop.yaml): every operation with the behaviour its summary promises. */
import type { GeneratorOptions, RequestMaker } from './log-generator.js';

const read = (operation: string, target: string, bytes: number, latencyMs: number, extra: Partial<ReturnType<RequestMaker>> = {}) => ({ operation, method: 'GET', target, bytes, latencyMs, ...extra });

/** The mix: weights are shares of requests. */
export function shopMix(): GeneratorOptions['mix'] {
  return [
    [30, (d) => read('getArticle', `/articles/${d.zipf(2000, 1)}`, d.around(800), d.around(40))],
    [0.3, (d) => ({ operation: 'putArticle', method: 'PUT', target: `/articles/${d.zipf(2000, 1)}`, bytes: 2, latencyMs: 20 })],
    [15, (d) => read('listCatalog', `/catalog?page=${d.zipf(50, 1.2)}`, d.around(4000), d.around(120))],
    [8, (d) => read('getCounter', `/counters/${d.zipf(20, 1)}`, 40, d.around(3))],
    [8, (d) => ({ operation: 'putCounter', method: 'PUT', target: `/counters/${d.zipf(20, 1)}`, bytes: 40, latencyMs: 4 })],
    [8, (d) => read('getStock', `/stock/sku-${d.zipf(40, 1)}`, 60, d.around(5))],
    [4, (d) => ({ operation: 'putStock', method: 'PUT', target: `/stock/sku-${d.zipf(40, 1)}`, bytes: 2, latencyMs: 6 })],
    [6, (d) => read('getSession', `/sessions/${Math.floor(d.random() * 1e12).toString(36)}`, 300, d.around(8))],
    [6, (d) => {
      const user = d.zipf(200, 1);
      return read('getAccount', '/account', d.around(500), d.around(25), { caller: `user-${user}`, key: `user-${user}` });
    }],
    [3, (d) => read('exportAccount', '/account/export', 5000, 200)],
    [4, (d) => read('getCart', '/cart', 200, 10)],
    [3, (d) => read('getCredentials', '/me/credentials', 90, 10)],
    [2, (d) => read('getFile', `/files/${d.zipf(10, 1.2)}`, d.around(3 * 2 ** 20), 300)],
    [4, () => read('getHealth', '/health', 20, 1)],
    [2, (d) => ({ operation: 'createOrder', method: 'POST', target: '/orders', bytes: 100, latencyMs: d.around(30), status: 201 })],
    [1, (d) => read('unknown', `/nope/${d.zipf(5, 1)}`, 10, 1, { status: 404 })],
  ];
}
