import { sql, type Kysely } from 'kysely';
import { ensureDatabase, ShardDirectory } from '../../platform/shards';
import { TenantPoolManager, type PoolManagerOptions } from '../../platform/tenant-pools';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let shards: ShardDirectory;
/** Three small tenant databases; named <test database>_t_... so the test's cleanup drops them. */
let tenants: [string, string, string];
const managers: TenantPoolManager[] = [];

function manager(name: string, options: Partial<PoolManagerOptions> = {}): { pools: TenantPoolManager; app: string } {
  const app = `fluxo-pool-${name}-${database.name}`.slice(0, 63);
  const pools = new TenantPoolManager(shards, { perTenant: 1, globalCap: 2, idleMillis: 60_000, applicationName: app, ...options });
  managers.push(pools);
  return { pools, app };
}

/** Open server connections of one application, per database. */
async function connections(app: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ datname: string; n: string }>`
    SELECT datname, count(*) AS n FROM pg_stat_activity WHERE application_name = ${app} GROUP BY datname`.execute(database.db);
  return Object.fromEntries(rows.map((r) => [r.datname, Number(r.n)]));
}

/** Polls until the server shows the expected connections (closing a socket is seen by the server a little later). */
async function expectConnections(app: string, expected: Record<string, number>, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let seen = await connections(app);
  while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) seen = await connections(app);
  expect(seen).toEqual(expected);
}

async function ping(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ db: string }>`SELECT current_database() AS db`.execute(db);
  return rows[0]!.db;
}

beforeAll(async () => {
  database = await createTestDatabase();
  shards = new ShardDirectory(database.config.shards);
  tenants = [`${database.name}_t_pool_a`, `${database.name}_t_pool_b`, `${database.name}_t_pool_c`];
  for (const name of tenants) expect(await ensureDatabase(shards.serverUrl('default'), name)).toBe('created');
});
afterAll(async () => {
  for (const m of managers) await m.shutdown();
  await database?.drop();
});

describe('TenantPoolManager', () => {
  it('refuses pool sizes that cannot fit the global cap', () => {
    expect(() => new TenantPoolManager(shards, { perTenant: 5, globalCap: 4, idleMillis: 1000, applicationName: 'x' })).toThrow(/perTenant/);
    expect(() => new TenantPoolManager(shards, { perTenant: 0, globalCap: 4, idleMillis: 1000, applicationName: 'x' })).toThrow(/perTenant/);
  });

  it('gives each tenant database its own bounded pool', async () => {
    const { pools, app } = manager('bounded', { perTenant: 2, globalCap: 6 });
    expect(pools.maxPools).toBe(3);
    const [a, b] = [pools.get('default', tenants[0]), pools.get('default', tenants[1])];
    expect(pools.get('default', tenants[0])).toBe(a);
    expect(await ping(a)).toBe(tenants[0]);
    expect(await ping(b)).toBe(tenants[1]);
    // Ten concurrent queries on one tenant share at most two connections.
    const pids = await Promise.all(
      Array.from({ length: 10 }, () => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(a).then((r) => r.rows[0]!.pid)),
    );
    expect(new Set(pids).size).toBeLessThanOrEqual(2);
    const open = await connections(app);
    expect(open[tenants[0]]).toBeLessThanOrEqual(2);
    expect(open[tenants[1]]).toBe(1);
    await pools.shutdown();
  });

  it('never closes a leased pool: eviction closes the least recently used pool nobody holds, and a lease waits for room', async () => {
    const { pools, app } = manager('lease');
    expect(pools.maxPools).toBe(2);
    const [a, b, c] = tenants;
    const leaseA = await pools.lease<unknown>('default', a);
    await ping(leaseA.db);
    const leaseB = await pools.lease<unknown>('default', b);
    await ping(leaseB.db);
    // Both held, cap reached: C waits instead of closing a pool just handed out.
    let gotC = false;
    const waitingC = pools.lease<unknown>('default', c).then((l) => ((gotC = true), l));
    await ping(leaseA.db);
    await ping(leaseB.db);
    expect(gotC).toBe(false);
    expect(pools.openPools).toBe(2);
    // A is released: its pool is the one nobody holds, so C takes its place.
    leaseA.release();
    const leaseC = await waitingC;
    expect(await ping(leaseC.db)).toBe(c);
    await expectConnections(app, { [b]: 1, [c]: 1 });
    await expect(ping(leaseA.db)).rejects.toThrow();
    expect(await ping(leaseB.db)).toBe(b);
    // Released pools stay open until room is needed; then the least recently used goes first.
    leaseB.release();
    leaseC.release();
    leaseC.release(); // twice does nothing
    expect(pools.leased).toBe(0);
    const again = await pools.lease<unknown>('default', a);
    expect(await ping(again.db)).toBe(a);
    await expectConnections(app, { [a]: 1, [c]: 1 });
    again.release();
  });

  it('closes pools idle for idleMillis, and only those', async () => {
    const idleMillis = 60_000;
    const { pools, app } = manager('idle', { globalCap: 3, idleMillis });
    const [a, b] = tenants;
    // get() stamps the pool's last use; bracket it with the clock.
    const beforeA = Date.now();
    const dbA = pools.get('default', a);
    const afterA = Date.now();
    await ping(dbA);
    // B's last use must come strictly after A's (millisecond clock): poll the clock, with a deadline.
    const deadline = afterA + 1000;
    while (Date.now() <= afterA && Date.now() < deadline);
    const dbB = pools.get('default', b);
    await ping(dbB);
    await expectConnections(app, { [a]: 1, [b]: 1 });

    expect(pools.evictIdle(Date.now())).toBe(0);
    expect(pools.evictIdle(beforeA + idleMillis - 1)).toBe(0);
    expect(pools.evictIdle(afterA + idleMillis)).toBe(1);
    expect(pools.openPools).toBe(1);
    await expectConnections(app, { [b]: 1 });
    expect(await ping(dbB)).toBe(b);

    expect(pools.evictIdle(Date.now() + idleMillis)).toBe(1);
    expect(pools.openPools).toBe(0);
    await expectConnections(app, {});
    // The next request simply opens a new pool.
    expect(await ping(pools.get('default', a))).toBe(a);
    expect(pools.openPools).toBe(1);
  });

  it('never closes a pool get() just handed out, nor one in use: it opens over the cap for a moment instead', async () => {
    const { pools } = manager('busy', { perTenant: 1, globalCap: 2 });
    const a = pools.get('default', tenants[0]);
    const b = pools.get('default', tenants[1]);
    await ping(b);
    const c = pools.get('default', tenants[2]);
    expect(pools.openPools).toBe(3);
    expect(await ping(a)).toBe(tenants[0]);
    expect(await ping(b)).toBe(tenants[1]);
    expect(await ping(c)).toBe(tenants[2]);
    // Once the grace is over and they are idle, eviction closes them (and only those nobody leases).
    const held = await pools.lease<unknown>('default', tenants[0]);
    expect(pools.evictIdle(Date.now() + 120_000)).toBe(2);
    expect(await ping(held.db)).toBe(tenants[0]);
    held.release();
    expect(pools.evictIdle(Date.now() + 120_000)).toBe(1);
  });

  it('closes every pool on shutdown', async () => {
    const { pools, app } = manager('shutdown', { globalCap: 3 });
    const handles = tenants.map((name) => pools.get('default', name));
    await Promise.all(handles.map(ping));
    expect(pools.openPools).toBe(3);
    await expectConnections(app, { [tenants[0]]: 1, [tenants[1]]: 1, [tenants[2]]: 1 });
    await pools.shutdown();
    expect(pools.openPools).toBe(0);
    await expectConnections(app, {});
    for (const db of handles) await expect(ping(db)).rejects.toThrow();
  });

  it('refuses an unknown shard', () => {
    const { pools } = manager('shard');
    expect(() => pools.get('nowhere', tenants[0])).toThrow(/shard "nowhere" is not configured/);
  });
});
