// The catalog's handlers: what a team writes by hand. cachegen wrote a stub here once and never overwrites it.
import { reply } from '@cachegen/runtime/fastify';
import type { Handlers } from '../generated/server.js';
import type { CatalogStore, Category } from '../store/types.js';

/** What origin calls cost, in ms: a lookup, a query, an aggregation (what real ones do). */
export interface OriginCosts {
  lookup: number;
  query: number;
  aggregate: number;
}

export const REALISTIC_COSTS: OriginCosts = { lookup: 5, query: 50, aggregate: 500 };

export interface HandlerOptions {
  costs?: OriginCosts;
  /** How to wait out a cost; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

const PAGE_SIZE = 20;
const GREETINGS: Record<string, string> = { de: 'Suchergebnisse', fr: 'Résultats', en: 'Results' };

function bearer(headers: { authorization?: string | undefined }): string | undefined {
  const value = headers.authorization;
  return value?.startsWith('Bearer ') ? value.slice(7) : undefined;
}

function language(header: string | string[] | undefined): string {
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return first && first in GREETINGS ? first : 'en';
}

/** Handlers over a store, each waiting out its origin cost first. */
export function createHandlers(store: CatalogStore, options: HandlerOptions = {}): Handlers {
  const costs = options.costs ?? REALISTIC_COSTS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const unauthorized = reply(401, { message: 'sign in: send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer' });
  const caller = async (headers: { authorization?: string | undefined }) => {
    const token = bearer(headers);
    return token === undefined ? undefined : store.userByToken(token);
  };
  let budget = 1000;

  return {
    async getFeatureFlags() {
      await sleep(costs.lookup);
      return store.flags();
    },
    async setFeatureFlag({ params, body }) {
      await sleep(costs.lookup);
      return store.setFlag(params.name, body.enabled);
    },
    async listProducts({ query }) {
      await sleep(costs.query);
      const page = query.page ?? 1;
      const { items, total } = await store.listProducts({
        ...(query.category ? { category: query.category as Category } : {}),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
      });
      return { items, page, total };
    },
    async createProduct({ body }) {
      await sleep(costs.query);
      return reply(201, await store.createProduct({ ...body, category: body.category as Category }));
    },
    async getProduct({ params }) {
      await sleep(costs.query);
      const product = await store.getProduct(params.id);
      return product ?? reply(404, { message: `no product ${params.id}` });
    },
    async updateProduct({ params, body }) {
      await sleep(costs.query);
      const product = await store.updateProduct(params.id, { ...body, category: body.category as Category });
      return product ?? reply(404, { message: `no product ${params.id}` });
    },
    async searchProducts({ query, headers }) {
      await sleep(costs.query);
      const lang = language(headers['accept-language']);
      return { query: query.q, language: `${lang}: ${GREETINGS[lang]}`, results: await store.searchProducts(query.q, 10) };
    },
    async getExchangeRates() {
      await sleep(costs.query);
      const { rates, asOf } = await store.rates();
      return { base: 'EUR', rates, asOf };
    },
    async setExchangeRate({ params, body }) {
      await sleep(costs.lookup);
      const { rates, asOf } = await store.setRate(params.currency, body.rate);
      return { base: 'EUR', rates, asOf };
    },
    async getDashboard() {
      await sleep(costs.aggregate);
      return { ...(await store.orderStats()), computedAt: new Date().toISOString() };
    },
    async createOrder({ headers, body }) {
      await sleep(costs.query);
      const user = await caller(headers);
      if (!user) return unauthorized;
      return reply(201, await store.createOrder({ productId: body.productId, quantity: body.quantity, userId: user.id }));
    },
    async getProfile({ headers }) {
      await sleep(costs.lookup);
      const user = await caller(headers);
      return user ? { id: user.id, name: user.name, email: user.email } : unauthorized;
    },
    async updateProfile({ headers, body }) {
      await sleep(costs.lookup);
      const user = await caller(headers);
      const renamed = user && (await store.renameUser(user.id, body.name));
      return renamed ? { id: renamed.id, name: renamed.name, email: renamed.email } : unauthorized;
    },
    async getApiToken({ headers }) {
      await sleep(costs.lookup);
      const user = await caller(headers);
      return user ? { token: `api-${user.id}-${crypto.randomUUID()}` } : unauthorized;
    },
    async checkAuth({ headers }) {
      await sleep(costs.lookup);
      const user = await caller(headers);
      return user ? { valid: true, userId: user.id } : unauthorized;
    },
    async getRateLimit() {
      await sleep(costs.lookup);
      budget = budget > 0 ? budget - 1 : 1000;
      return { limit: 1000, remaining: budget };
    },
    async login({ body }) {
      await sleep(costs.query);
      const user = await store.userByEmail(body.email);
      if (!user || user.password !== body.password) return reply(401, { message: 'wrong email or password' });
      return { token: user.token, userId: user.id };
    },
  };
}
