import DataLoader from 'dataloader';

/**
 * A per-request DataLoader whose batch function returns a Map; results are put
 * back in key order here, once, instead of `ids.map(id => rows.find(...))`.
 */
export function mapLoader<K, V, C = K>(
  batch: (keys: readonly K[]) => Promise<Map<C, V>>,
  cacheKeyFn?: (key: K) => C,
): DataLoader<K, V | null, C> {
  return new DataLoader<K, V | null, C>(
    async (keys) => {
      const found = await batch(keys);
      return keys.map((key) => found.get(cacheKeyFn ? cacheKeyFn(key) : (key as unknown as C)) ?? null);
    },
    { cacheKeyFn, maxBatchSize: 1000 },
  );
}

/** Like mapLoader, for one-to-many relations (a key maps to a list, empty when none). */
export function groupLoader<K, V, C = K>(
  batch: (keys: readonly K[]) => Promise<Map<C, V[]>>,
  cacheKeyFn?: (key: K) => C,
): DataLoader<K, V[], C> {
  return new DataLoader<K, V[], C>(
    async (keys) => {
      const found = await batch(keys);
      return keys.map((key) => found.get(cacheKeyFn ? cacheKeyFn(key) : (key as unknown as C)) ?? []);
    },
    { cacheKeyFn, maxBatchSize: 1000 },
  );
}

export function indexBy<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T> {
  const map = new Map<K, T>();
  for (const row of rows) map.set(keyOf(row), row);
  return map;
}

export function groupBy<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}
