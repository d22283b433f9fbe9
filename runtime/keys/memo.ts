/**
 * A Map that keeps its newest `max` entries, oldest first out (insertion order), so inputs that
 * never repeat cannot grow it. For memos whose value needs more than the key to compute.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}

/**
 * A bounded memo for the hot paths that see the same inputs again and again (query strings,
 * credentials, GraphQL documents): the last `max` results by key. `compute` must be pure.
 */
export function boundedMemo<K, V>(max: number, compute: (key: K) => V): (key: K) => V {
  const memo = new BoundedMap<K, V>(max);
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = compute(key);
      memo.set(key, value);
    }
    return value;
  };
}
