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

/** A tenant database's kysely, held until `release`: no eviction closes its pool meanwhile. */
export interface TenantPoolLease<DB> {
  readonly db: Kysely<DB>;
  /** Gives the pool back; calling it again does nothing. */
  release: () => void;
}

interface PoolEntry {
  key: string;
  /** Typed by whoever asks for it (get, lease). */
  db: Kysely<unknown>;
  pool: pg.Pool;
  lastUsed: number;
  /** Leases not yet released. */
  leases: number;
  /** get() hands out a kysely without a lease: the pool is kept at least until then. */
  keepUntil: number;
}

interface Waiter {
  key: string;
  shard: string;
  database: string;
  resolve: (entry: PoolEntry) => void;
  reject: (error: Error) => void;
}

/**
 * A kysely that get() handed out may still serve a request that holds it
 * between two statements, without a lease: its pool is kept this long after.
 */
const HANDED_OUT_GRACE_MILLIS = 30_000;

/** Thrown to lease() callers still waiting for room when the manager shuts down. */
export class PoolManagerClosed extends Error {}

/**
 * One kysely (one pg pool) per tenant database. Pools are bounded, the number of
 * open pools is bounded so that perTenant × pools ≤ globalCap, and the least
 * recently used pool nobody holds is closed to make room. Map order is the LRU
 * order.
 *
 * A pool is held by a lease (lease(), until release) or, for get(), for a grace
 * period after it was handed out. A held pool, or one with a connection checked
 * out, is never closed: lease() waits for room instead, and get(), which cannot
 * wait, opens the pool over the cap for a moment.
 */
export class TenantPoolManager {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly waiters: Waiter[] = [];
  private readonly closing = new Set<Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private closed = false;

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

  /** Leases not yet released, over all pools. */
  get leased(): number {
    let n = 0;
    for (const entry of this.pools.values()) n += entry.leases;
    return n;
  }

  /**
   * The tenant database's kysely for a request that cannot say when it is done
   * (typed by the module that asks for it). Its pool is kept for a grace period
   * after each call; prefer lease() where the end of the work is known.
   */
  get<DB>(shard: string, database: string): Kysely<DB> {
    if (this.closed) throw new PoolManagerClosed('tenant pools are shut down');
    const key = `${shard}/${database}`;
    const entry = this.pools.get(key) ?? this.open(key, shard, database, true);
    this.touch(entry);
    entry.keepUntil = Date.now() + HANDED_OUT_GRACE_MILLIS;
    return entry.db as Kysely<DB>;
  }

  /**
   * The tenant database's kysely, held until the lease is released. When every
   * pool is held and the cap is reached, waits until one is released.
   */
  async lease<DB>(shard: string, database: string): Promise<TenantPoolLease<DB>> {
    if (this.closed) throw new PoolManagerClosed('tenant pools are shut down');
    const key = `${shard}/${database}`;
    const ready = this.pools.get(key) ?? this.open(key, shard, database, false);
    if (ready) this.hold(ready);
    const entry = ready ?? (await this.waitForRoom(key, shard, database));
    let released = false;
    return {
      db: entry.db as Kysely<DB>,
      release: () => {
        if (released) return;
        released = true;
        entry.leases -= 1;
        this.touch(entry);
        this.serveWaiters();
      },
    };
  }

  /** Runs `work` with the tenant database's kysely under a lease. */
  async using<DB, T>(shard: string, database: string, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    const held = await this.lease<DB>(shard, database);
    try {
      return await work(held.db);
    } finally {
      held.release();
    }
  }

  /** Closes pools unused for longer than idleMillis that nobody holds. */
  evictIdle(now = Date.now()): number {
    let closed = 0;
    for (const entry of [...this.pools.values()]) {
      if (now - entry.lastUsed >= this.options.idleMillis && this.closable(entry, now)) {
        this.close(entry);
        closed += 1;
      }
    }
    if (closed > 0) this.serveWaiters();
    return closed;
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    clearTimeout(this.retry);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new PoolManagerClosed('tenant pools are shut down'));
    for (const entry of [...this.pools.values()]) this.close(entry);
    await Promise.all([...this.closing]);
  }

  private hold(entry: PoolEntry): void {
    entry.leases += 1;
    this.touch(entry);
  }

  /** Moves the entry to the most recently used end. */
  private touch(entry: PoolEntry): void {
    entry.lastUsed = Date.now();
    this.pools.delete(entry.key);
    this.pools.set(entry.key, entry);
  }

  /**
   * Opens the tenant's pool if there is room, closing the least recently used
   * pool nobody holds to make it. Without room: null, or with `overCap` the
   * pool is opened anyway.
   */
  private open(key: string, shard: string, database: string, overCap: true): PoolEntry;
  private open(key: string, shard: string, database: string, overCap: false): PoolEntry | null;
  private open(key: string, shard: string, database: string, overCap: boolean): PoolEntry | null {
    const url = this.shards.databaseUrl(shard, database); // an unknown shard fails before anything is closed
    while (this.pools.size >= this.maxPools) {
      const victim = this.leastRecentlyUsedClosable();
      if (!victim) break;
      this.close(victim);
    }
    if (this.pools.size >= this.maxPools && !overCap) return null;
    const onQuery = this.options.onQuery;
    const pool = createPool(url, { max: this.options.perTenant, idleTimeoutMillis: this.options.idleMillis, applicationName: this.options.applicationName });
    // A connection given back may make its pool closable, and room for a waiter.
    pool.on('release', () => {
      if (this.waiters.length > 0) setImmediate(() => this.serveWaiters());
    });
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool }),
      log: onQuery
        ? (event) => {
            if (event.level === 'query') onQuery(event.query.sql, database);
          }
        : undefined,
    });
    const entry: PoolEntry = { key, db, pool, lastUsed: Date.now(), leases: 0, keepUntil: 0 };
    this.pools.set(key, entry);
    return entry;
  }

  /** Nobody holds it and no connection of it is in use. */
  private closable(entry: PoolEntry, now = Date.now()): boolean {
    return entry.leases === 0 && now >= entry.keepUntil && entry.pool.waitingCount === 0 && entry.pool.totalCount === entry.pool.idleCount;
  }

  private leastRecentlyUsedClosable(): PoolEntry | undefined {
    const now = Date.now();
    for (const entry of this.pools.values()) if (this.closable(entry, now)) return entry;
    return undefined;
  }

  /** Resolves with the entry already held for the caller. */
  private waitForRoom(key: string, shard: string, database: string): Promise<PoolEntry> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ key, shard, database, resolve, reject });
      this.scheduleRetry();
    });
  }

  /** Hands pools to waiters, first come first served, while there is room. */
  private serveWaiters(): void {
    while (this.waiters.length > 0) {
      const waiter = this.waiters[0]!;
      const entry = this.pools.get(waiter.key) ?? this.open(waiter.key, waiter.shard, waiter.database, false);
      if (!entry) break;
      this.waiters.shift();
      // Held at once, before the next waiter's room is made by closing a pool nobody holds.
      this.hold(entry);
      waiter.resolve(entry);
    }
    this.scheduleRetry();
  }

  /** Pools kept only by get()'s grace period free up without any event: look again when the first grace ends. */
  private scheduleRetry(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    if (this.waiters.length === 0 || this.closed) return;
    const now = Date.now();
    const graces = [...this.pools.values()].filter((e) => e.leases === 0 && e.keepUntil > now).map((e) => e.keepUntil);
    if (graces.length === 0) return;
    this.retry = setTimeout(() => this.serveWaiters(), Math.min(...graces) - now + 1);
    this.retry.unref();
  }

  private close(entry: PoolEntry): void {
    this.pools.delete(entry.key);
    // destroy() waits for checked-out connections, so in-flight queries finish.
    const closing = entry.db.destroy().catch(() => undefined);
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}
