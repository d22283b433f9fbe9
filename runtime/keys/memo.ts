/**
 * A bounded memo for the hot paths that see the same inputs again and again (query strings,
 * credentials, GraphQL documents): the last `max` results by key, oldest first out (a Map in
 * insertion order), so inputs that never repeat cannot grow it. `compute` must be pure.
 */
export function boundedMemo<K, V>(max: number, compute: (key: K) => V): (key: K) => V {
  const memo = new Map<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = compute(key);
      if (memo.size >= max) memo.delete(memo.keys().next().value!);
      memo.set(key, value);
    }
    return value;
  };
}
