/**
 * Realistic traffic for the catalog: Zipf-distributed keys (a few products are most of the
 * reads), several signed-in users, a few writes. Each request is one entry of a weighted mix.
 */

/** Samples 1..n with P(k) ∝ 1/k^s: what real key popularity looks like. */
export function zipf(n: number, s = 1.1, random: () => number = Math.random): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) { sum += 1 / k ** s; cdf[k - 1] = sum; }
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1; else hi = mid;
    }
    return lo + 1;
  };
}

export interface PlannedRequest {
  /** The operationId, for the report. */
  endpoint: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

const CATEGORIES = ['books', 'games', 'music', 'tools', 'garden'];
const SEARCHES = ['Lamp', 'Novel', 'Guitar', 'Hammer', 'Fern', 'Puzzle', 'Kettle', 'Atlas', 'Drum', 'Rake', 'Red', 'Quiet', 'Golden'];
const LANGUAGES = ['en', 'en', 'en', 'de', 'fr'];
const CURRENCIES = ['USD', 'GBP', 'JPY', 'CHF'];

/** A generator of requests in the mix a storefront sees. */
export function trafficMix(random: () => number = Math.random): () => PlannedRequest {
  const product = zipf(1000, 1.1, random);
  const user = zipf(20, 0.8, random);
  const category = zipf(CATEGORIES.length, 1, random);
  const page = zipf(20, 1.4, random);
  const search = zipf(SEARCHES.length, 1, random);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const auth = () => ({ authorization: `Bearer token-${user()}` });
  const mix: Array<[number, () => PlannedRequest]> = [
    [20, () => ({ endpoint: 'getFeatureFlags', method: 'GET', path: '/flags' })],
    [30, () => ({ endpoint: 'getProduct', method: 'GET', path: `/products/${product()}` })],
    [10, () => ({ endpoint: 'listProducts', method: 'GET', path: `/products?category=${CATEGORIES[category() - 1]}&page=${page()}` })],
    [8, () => ({ endpoint: 'searchProducts', method: 'GET', path: `/search?q=${SEARCHES[search() - 1]}`, headers: { 'accept-language': pick(LANGUAGES) } })],
    [6, () => ({ endpoint: 'getExchangeRates', method: 'GET', path: '/exchange-rates' })],
    [4, () => ({ endpoint: 'getDashboard', method: 'GET', path: '/dashboard' })],
    [7, () => ({ endpoint: 'getProfile', method: 'GET', path: '/me', headers: auth() })],
    [7, () => ({ endpoint: 'checkAuth', method: 'GET', path: '/auth/check', headers: auth() })],
    [3, () => ({ endpoint: 'getRateLimit', method: 'GET', path: '/rate-limit', headers: auth() })],
    [1, () => {
      const id = product();
      return { endpoint: 'updateProduct', method: 'PUT', path: `/products/${id}`, body: { name: `Product ${id} v${Math.floor(random() * 1e6)}`, priceCents: 100 + id, category: CATEGORIES[id % 5] } };
    }],
    [1, () => ({ endpoint: 'createOrder', method: 'POST', path: '/orders', headers: auth(), body: { productId: product(), quantity: 1 + Math.floor(random() * 3) } })],
    [0.5, () => ({ endpoint: 'setExchangeRate', method: 'PUT', path: `/exchange-rates/${pick(CURRENCIES)}`, body: { rate: Math.round((0.5 + random()) * 1000) / 1000 } })],
    [0.5, () => ({ endpoint: 'updateProfile', method: 'PATCH', path: '/me', headers: auth(), body: { name: `User ${Math.floor(random() * 100)}` } })],
    [0.5, () => {
      const id = user();
      return { endpoint: 'login', method: 'POST', path: '/login', body: { email: `user${id}@example.com`, password: `password-${id}` } };
    }],
    [0.5, () => ({ endpoint: 'getApiToken', method: 'GET', path: '/me/token', headers: auth() })],
  ];
  const total = mix.reduce((s, [w]) => s + w, 0);
  return () => {
    let u = random() * total;
    for (const [weight, make] of mix) {
      u -= weight;
      if (u <= 0) return make();
    }
    return mix[0]![1]();
  };
}
