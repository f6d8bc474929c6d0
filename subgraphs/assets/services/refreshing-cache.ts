/**
 * A per-key cache of an expensive computation whose value may be at most
 * `maxAgeMillis` old. A value is dropped at once when its fingerprint changes
 * (the caller's cheap summary of what the value was computed from). After
 * `refreshAfterMillis` the cached value is still served while one background
 * recomputation replaces it, so steady traffic never waits for the
 * computation; past `maxAgeMillis` a request computes and waits. Concurrent
 * requests share one computation; a failed one is not kept.
 */
export class RefreshingCache<V> {
  private readonly entries = new Map<string, { fingerprint: string; computedAt: number; value: Promise<V>; refreshing: boolean }>();

  constructor(
    private readonly options: {
      maxAgeMillis: number;
      refreshAfterMillis: number;
      maxEntries: number;
      now?: () => number;
      onRefreshError?: (error: unknown) => void;
    },
  ) {}

  get(key: string, fingerprint: string, compute: () => Promise<V>): Promise<V> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && entry.fingerprint === fingerprint && now - entry.computedAt < this.options.maxAgeMillis) {
      if (now - entry.computedAt >= this.options.refreshAfterMillis && !entry.refreshing) this.refresh(key, entry, compute, now);
      return entry.value;
    }
    return this.store(key, fingerprint, compute(), now).value;
  }

  private refresh(key: string, stale: { fingerprint: string; refreshing: boolean }, compute: () => Promise<V>, startedAt: number): void {
    stale.refreshing = true;
    const value = compute();
    value.then(
      () => {
        // Only if nothing newer replaced the entry meanwhile; the value is as old as the moment its reading started.
        if (this.entries.get(key) === stale) this.store(key, stale.fingerprint, value, startedAt);
      },
      (error: unknown) => {
        stale.refreshing = false;
        this.options.onRefreshError?.(error);
      },
    );
  }

  private store(key: string, fingerprint: string, value: Promise<V>, computedAt: number) {
    this.evictIfFull(computedAt);
    const entry = { fingerprint, computedAt, value, refreshing: false };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry;
  }

  private evictIfFull(now: number): void {
    if (this.entries.size < this.options.maxEntries) return;
    for (const [key, entry] of this.entries) if (now - entry.computedAt >= this.options.maxAgeMillis) this.entries.delete(key);
    // Still full of live entries: the oldest inserted go first (a Map iterates in insertion order).
    while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
