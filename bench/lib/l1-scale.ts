/**
 * One measurement of one L1 contender at one size, in a process of its own so heaps do not
 * mix: `node --expose-gc --import tsx bench/lib/l1-scale.ts <contender> <entries>` prints
 * JSON { bytesPerEntry, getNs, setNs }. Run by bench/l1.bench.ts (growth and memory sections).
 *
 * - bytesPerEntry: heap + array buffers the filled cache added, divided by its entries (below
 *   200k entries, averaged over enough filled copies to hold 200k entries); keys
 *   and values are built before the first reading, so they are excluded (values are small
 *   integers, which need no allocation).
 * - setNs: a set of a key never seen into the full cache (each evicts one entry).
 * - getNs: a hit, keys read in a shuffled order.
 * Times are CPU time of this process (lib/timing cpuNs): the machine is shared.
 */
import { l1Subjects, type Subject } from './l1-subjects.js';
import { cpuNs } from './timing.js';

const contenders: Record<string, (capacity: number) => Subject> = {
  'Map (FIFO)': l1Subjects['Map (floor)']!,
  'lru-cache@11': l1Subjects['lru-cache@11']!,
  'cachegen tinylfu': l1Subjects['cachegen tinylfu']!,
};

function usedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function measure(name: string, entries: number): { bytesPerEntry: number; getNs: number; setNs: number } {
  const make = contenders[name];
  if (!make) throw new Error(`unknown contender ${name}`);
  const sets = Math.max(entries, 1_000_000);
  const keys = Array.from({ length: entries + sets }, (_, i) => `GET /api/v1/products/${i}?lang=en`);
  const reads = Math.max(entries, 1_000_000);
  const order = new Int32Array(reads);
  let x = 12345;
  for (let i = 0; i < reads; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    order[i] = x % entries;
  }
  // Small caches are measured as many copies, so heap noise of a few KB does not swamp them.
  const copies = Math.max(1, Math.floor(200_000 / entries));
  const before = usedBytes();
  const all: Subject[] = [];
  for (let c = 0; c < copies; c++) {
    const filled = make(entries);
    for (let i = 0; i < entries; i++) filled.set(keys[i]!, i);
    all.push(filled);
  }
  const after = usedBytes();
  let cache: Subject | undefined = all[0]!;
  all.length = 0;
  if (cache.size() !== entries) throw new Error(`${name} holds ${cache.size()} of ${entries} entries`);
  let start = cpuNs();
  let sum = 0;
  for (let i = 0; i < reads; i++) sum += cache.get(keys[order[i]!]!)!;
  const getNs = (cpuNs() - start) / reads;
  if (!(sum >= 0)) throw new Error(`${name} answered a get wrongly`);
  start = cpuNs();
  for (let i = entries; i < entries + sets; i++) cache.set(keys[i]!, i);
  const setNs = (cpuNs() - start) / sets;
  const bytesPerEntry = (after - before) / entries / copies;
  cache = undefined;
  return { bytesPerEntry, getNs, setNs };
}

const [name, entries] = process.argv.slice(2);
console.log(JSON.stringify(measure(name!, Number(entries))));
