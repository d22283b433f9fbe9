/** The embedded store: everything in memory, seeded on creation. The default when DATABASE_URL is unset. */
import { seedData, type CatalogStore, type Order, type Product, type User } from './types.js';

/** A fresh in-memory store with `productCount` seeded products. */
export function createMemoryStore(productCount = 1000): CatalogStore {
  const seed = seedData(productCount);
  const products = new Map<number, Product>(seed.products.map((p) => [p.id, p]));
  const users = new Map<number, User>(seed.users.map((u) => [u.id, u]));
  const flags = { ...seed.flags };
  const rates = { ...seed.rates };
  let ratesAsOf = new Date().toISOString();
  const orders: Order[] = [];
  let nextProductId = productCount + 1;

  return {
    async listProducts({ category, offset, limit }) {
      const all = [...products.values()].filter((p) => !category || p.category === category);
      return { items: all.slice(offset, offset + limit), total: all.length };
    },
    async getProduct(id) {
      return products.get(id);
    },
    async createProduct(input) {
      const product = { ...input, id: nextProductId++, updatedAt: new Date().toISOString() };
      products.set(product.id, product);
      return product;
    },
    async updateProduct(id, input) {
      if (!products.has(id)) return undefined;
      const product = { ...input, id, updatedAt: new Date().toISOString() };
      products.set(id, product);
      return product;
    },
    async searchProducts(query, limit) {
      const needle = query.toLowerCase();
      const out: Product[] = [];
      for (const p of products.values()) {
        if (p.name.toLowerCase().includes(needle)) out.push(p);
        if (out.length >= limit) break;
      }
      return out;
    },
    async userByToken(token) {
      for (const u of users.values()) if (u.token === token) return u;
      return undefined;
    },
    async userByEmail(email) {
      for (const u of users.values()) if (u.email === email) return u;
      return undefined;
    },
    async renameUser(id, name) {
      const user = users.get(id);
      if (!user) return undefined;
      user.name = name;
      return user;
    },
    async flags() {
      return { ...flags };
    },
    async setFlag(name, enabled) {
      flags[name] = enabled;
      return { ...flags };
    },
    async rates() {
      return { rates: { ...rates }, asOf: ratesAsOf };
    },
    async setRate(currency, rate) {
      rates[currency] = rate;
      ratesAsOf = new Date().toISOString();
      return { rates: { ...rates }, asOf: ratesAsOf };
    },
    async createOrder(input) {
      const order = { ...input, id: orders.length + 1 };
      orders.push(order);
      return order;
    },
    async orderStats() {
      const byProduct = new Map<number, number>();
      let revenueCents = 0;
      for (const o of orders) {
        byProduct.set(o.productId, (byProduct.get(o.productId) ?? 0) + o.quantity);
        revenueCents += (products.get(o.productId)?.priceCents ?? 0) * o.quantity;
      }
      const topProducts = [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
      topProducts.sort((a, b) => b.quantity - a.quantity || a.productId - b.productId);
      return { orders: orders.length, revenueCents, topProducts: topProducts.slice(0, 5) };
    },
    async close() {},
  };
}
