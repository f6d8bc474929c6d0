import type { KeyVerifier } from './key-verifier';

/**
 * A cache of control-plane lookups that stays true to the control plane: the
 * key verifier's LISTEN connection relays every change notification
 * (`session:`, `user:`, `company:` payloads, key ids), and `drops` says which
 * entries a notification makes stale. While that connection is down nothing is
 * served or stored; a lookup that began before a notification is used once but
 * not stored, as it may have read a row from before the change. Entries also
 * expire after `ttlMillis`, and the oldest goes when `maxEntries` is reached;
 * `keeps` may refuse to store some answers (one that a change would not notify).
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly notifications: KeyVerifier,
    private readonly options: { ttlMillis: number; maxEntries: number; keeps?: (value: V) => boolean },
    drops: (payload: string, key: string, value: V) => boolean,
  ) {
    notifications.on('notification', (payload: string) => {
      this.generation += 1;
      for (const [key, entry] of this.entries) if (drops(payload, key, entry.value)) this.entries.delete(key);
    });
    const forget = () => {
      this.generation += 1;
      this.entries.clear();
    };
    notifications.on('listener-lost', forget);
    notifications.on('listening', forget);
  }

  /** The cached value, or what `read` finds now (stored when nothing changed meanwhile). */
  async get(key: string, read: () => Promise<V>, now = Date.now()): Promise<V> {
    const listening = this.notifications.isListening();
    const cached = listening ? this.entries.get(key) : undefined;
    if (cached && cached.expiresAt > now) return cached.value;
    const generation = this.generation;
    const value = await read();
    const keep = this.options.keeps?.(value) ?? true;
    if (keep && generation === this.generation && this.notifications.isListening()) this.set(key, value, now);
    return value;
  }

  private set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt: now + this.options.ttlMillis });
  }
}

/** A map that forgets its oldest entry when full: for tokens whose signature was checked once. */
export function boundedSet<K, V>(map: Map<K, V>, key: K, value: V, maxEntries: number): void {
  if (map.size >= maxEntries) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
