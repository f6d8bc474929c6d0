import DataLoader from 'dataloader';
import { onlyUuids } from '../../platform/ids';

/**
 * A per-request DataLoader whose batch function returns a Map; results are put
 * back in key order here, once, instead of `ids.map(id => rows.find(...))`.
 */
export function mapLoader<K, V, C = K>(batch: (keys: readonly K[]) => Promise<Map<C, V>>, cacheKeyFn?: (key: K) => C): DataLoader<K, V | null, C> {
  return new DataLoader<K, V | null, C>(
    async (keys) => {
      const found = await batch(keys);
      return keys.map((key) => found.get(cacheKeyFn ? cacheKeyFn(key) : (key as unknown as C)) ?? null);
    },
    { cacheKeyFn, maxBatchSize: 1000 },
  );
}

/** Like mapLoader, for one-to-many relations (a key maps to a list, empty when none). */
export function groupLoader<K, V, C = K>(batch: (keys: readonly K[]) => Promise<Map<C, V[]>>, cacheKeyFn?: (key: K) => C): DataLoader<K, V[], C> {
  return new DataLoader<K, V[], C>(
    async (keys) => {
      const found = await batch(keys);
      return keys.map((key) => found.get(cacheKeyFn ? cacheKeyFn(key) : (key as unknown as C)) ?? []);
    },
    { cacheKeyFn, maxBatchSize: 1000 },
  );
}

/**
 * Reads rows by client-supplied ids: values that cannot be uuids name no row,
 * and are kept away from SQL, where they would be a cast error.
 */
export async function findByUuids<T>(keys: readonly string[], find: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  const ids = onlyUuids(keys);
  return ids.length > 0 ? find(ids) : [];
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
