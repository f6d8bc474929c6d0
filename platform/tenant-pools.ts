import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { createPool } from './db';
import type { ShardDirectory } from './shards';

export interface PoolManagerOptions {
  /** Connections one tenant's pool may hold. */
  perTenant: number;
  /** Connections all pools of this process may hold together. */
  globalCap: number;
  /** A pool idle this long is closed by `evictIdle`. */
  idleMillis: number;
  applicationName: string;
  onQuery?: (sql: string, database: string) => void;
}

interface PoolEntry {
  /** Typed by whoever asks for it (get). */
  db: Kysely<unknown>;
  pool: pg.Pool;
  lastUsed: number;
}

/**
 * A pool handed out this recently may still serve a request that holds its
 * kysely between two statements; it is closed to make room only if nothing
 * quieter exists.
 */
const REQUEST_GRACE_MILLIS = 30_000;

function isQuiet(entry: PoolEntry): boolean {
  return entry.pool.waitingCount === 0 && entry.pool.totalCount === entry.pool.idleCount;
}

/**
 * One kysely (one pg pool) per tenant database. Pools are bounded, the number of
 * open pools is bounded so that perTenant × pools ≤ globalCap, and the least
 * recently used pool is closed to make room. Map insertion order is the LRU order.
 */
export class TenantPoolManager {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly closing = new Set<Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly shards: ShardDirectory,
    private readonly options: PoolManagerOptions,
  ) {
    if (options.perTenant < 1 || options.globalCap < options.perTenant) throw new Error('pool sizes: need 1 ≤ perTenant ≤ globalCap');
    this.sweeper = setInterval(() => this.evictIdle(), Math.max(1000, Math.floor(options.idleMillis / 2)));
    this.sweeper.unref();
  }

  get maxPools(): number {
    return Math.floor(this.options.globalCap / this.options.perTenant);
  }

  get openPools(): number {
    return this.pools.size;
  }

  /** The tenant database's kysely; typed by the module that asks for it. */
  get<DB>(shard: string, database: string): Kysely<DB> {
    const key = `${shard}/${database}`;
    const entry = this.pools.get(key);
    if (entry) {
      entry.lastUsed = Date.now();
      this.pools.delete(key);
      this.pools.set(key, entry);
      return entry.db as Kysely<DB>;
    }
    while (this.pools.size >= this.maxPools && this.closeLeastRecentlyUsed()) {
      // closed one; check the cap again
    }
    const onQuery = this.options.onQuery;
    const pool = createPool(this.shards.databaseUrl(shard, database), {
      max: this.options.perTenant,
      idleTimeoutMillis: this.options.idleMillis,
      applicationName: this.options.applicationName,
    });
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool }),
      log: onQuery
        ? (event) => {
            if (event.level === 'query') onQuery(event.query.sql, database);
          }
        : undefined,
    });
    this.pools.set(key, { db, pool, lastUsed: Date.now() });
    return db as Kysely<DB>;
  }

  /** Closes pools unused for longer than idleMillis. */
  evictIdle(now = Date.now()): number {
    let closed = 0;
    for (const [key, entry] of this.pools) {
      if (now - entry.lastUsed >= this.options.idleMillis && isQuiet(entry)) {
        this.close(key, entry);
        closed += 1;
      }
    }
    return closed;
  }

  /**
   * Closes the least recently used pool that no request can still be using:
   * first one that is quiet and past the grace period, else any quiet one.
   * When every pool is busy nothing is closed and the cap is exceeded for a
   * moment rather than failing a request in flight.
   */
  private closeLeastRecentlyUsed(now = Date.now()): boolean {
    const quiet = [...this.pools].filter(([, e]) => isQuiet(e));
    const victim = quiet.find(([, e]) => now - e.lastUsed >= REQUEST_GRACE_MILLIS) ?? quiet[0];
    if (!victim) return false;
    this.close(victim[0], victim[1]);
    return true;
  }

  private close(key: string, entry: PoolEntry): void {
    this.pools.delete(key);
    // destroy() waits for checked-out connections, so in-flight queries finish.
    const closing = entry.db.destroy().catch(() => undefined);
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }

  async shutdown(): Promise<void> {
    clearInterval(this.sweeper);
    for (const [key, entry] of [...this.pools]) this.close(key, entry);
    await Promise.all([...this.closing]);
  }
}
