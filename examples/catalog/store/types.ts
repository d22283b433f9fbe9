/** What the catalog's handlers read and write, whatever holds the data (memory or PostgreSQL). */

export type Category = 'books' | 'games' | 'music' | 'tools' | 'garden';

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  category: Category;
  updatedAt: string;
}

export interface User {
  id: number;
  name: string;
  email: string;
  password: string;
  token: string;
}

export interface Order {
  id: number;
  productId: number;
  quantity: number;
  userId: number;
}

export interface CatalogStore {
  listProducts(options: { category?: Category; offset: number; limit: number }): Promise<{ items: Product[]; total: number }>;
  getProduct(id: number): Promise<Product | undefined>;
  createProduct(input: Omit<Product, 'id' | 'updatedAt'>): Promise<Product>;
  updateProduct(id: number, input: Omit<Product, 'id' | 'updatedAt'>): Promise<Product | undefined>;
  searchProducts(query: string, limit: number): Promise<Product[]>;
  userByToken(token: string): Promise<User | undefined>;
  userByEmail(email: string): Promise<User | undefined>;
  renameUser(id: number, name: string): Promise<User | undefined>;
  flags(): Promise<Record<string, boolean>>;
  setFlag(name: string, enabled: boolean): Promise<Record<string, boolean>>;
  rates(): Promise<{ rates: Record<string, number>; asOf: string }>;
  setRate(currency: string, rate: number): Promise<{ rates: Record<string, number>; asOf: string }>;
  createOrder(input: Omit<Order, 'id'>): Promise<Order>;
  orderStats(): Promise<{ orders: number; revenueCents: number; topProducts: Array<{ productId: number; quantity: number }> }>;
  close(): Promise<void>;
}

const CATEGORIES: Category[] = ['books', 'games', 'music', 'tools', 'garden'];
const WORDS = ['Red', 'Quiet', 'Swift', 'Golden', 'Tiny', 'Grand', 'Modern', 'Classic', 'Wild', 'Bright'];
const THINGS = ['Lamp', 'Novel', 'Guitar', 'Hammer', 'Fern', 'Puzzle', 'Kettle', 'Atlas', 'Drum', 'Rake'];

/** The seed data both stores start with: `count` products, 20 users (`token-<id>`), a few flags and rates. */
export function seedData(count = 1000): { products: Product[]; users: User[]; flags: Record<string, boolean>; rates: Record<string, number> } {
  const products: Product[] = [];
  for (let id = 1; id <= count; id++) {
    products.push({
      id,
      name: `${WORDS[id % WORDS.length]} ${THINGS[Math.floor(id / WORDS.length) % THINGS.length]} ${id}`,
      priceCents: 199 + ((id * 7919) % 20_000),
      category: CATEGORIES[id % CATEGORIES.length]!,
      updatedAt: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
    });
  }
  const users: User[] = [];
  for (let id = 1; id <= 20; id++) {
    users.push({ id, name: `User ${id}`, email: `user${id}@example.com`, password: `password-${id}`, token: `token-${id}` });
  }
  return {
    products,
    users,
    flags: { 'new-checkout': true, 'dark-mode': false, recommendations: true },
    rates: { USD: 1.08, GBP: 0.85, JPY: 162.4, CHF: 0.95 },
  };
}
