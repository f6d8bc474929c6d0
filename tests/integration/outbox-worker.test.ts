import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createLogger } from '../../platform/logger';
import { ShardDirectory } from '../../platform/shards';
import { publishEvents, type DeliveredEvent, type EventConsumer } from '../../platform/outbox';
import { TenantPoolManager } from '../../platform/tenant-pools';
import { listDeadEvents, replayDeadEvents } from '../../platform/dead-letters';
import { drainTenant, drainTenantExclusively, DEFAULT_RELAY_OPTIONS, RELAY_LOCK } from '../../worker/relay';
import { OutboxWorker, DEFAULT_WORKER_OPTIONS, parsePartition, partitionOf } from '../../worker/service';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;

/** A real consumer in the ASSETS module that records what it saw in a table of its own schema. */
function recordingConsumer(onHandled?: (event: DeliveredEvent) => void, failTimes = 0): EventConsumer {
  let failures = 0;
  return {
    module: 'ASSETS',
    accepts: { ThingHappened: 'EMPLOYEES' },
    handle: async (trx, event) => {
      if (failures < failTimes) {
        failures += 1;
        throw new Error('consumer is down');
      }
      await sql`INSERT INTO assets.test_seen (event_id, aggregate_id, n) VALUES (${event.id}, ${event.aggregateId}, ${Number(event.payload.n)})`.execute(trx);
      onHandled?.(event);
    },
  };
}

async function publish(aggregateId: string, n: number): Promise<void> {
  await tenantDb
    .transaction()
    .execute((trx) => publishEvents(trx, 'employees', [{ type: 'ThingHappened', aggregateType: 'Thing', aggregateId, payload: { n } }], 'req-1'));
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Relay Co', modules: ['ASSETS', 'EMPLOYEES'] });
  tenantDb = company.openTenantDb();
  await sql`CREATE TABLE assets.test_seen (event_id uuid, aggregate_id text, n int, seen_at timestamptz DEFAULT clock_timestamp())`.execute(tenantDb);
});
afterAll(async () => {
  await tenantDb?.destroy();
  await database?.drop();
});
beforeEach(async () => {
  await sql`TRUNCATE assets.test_seen, assets.inbox, employees.outbox`.execute(tenantDb);
});

describe('outbox relay', () => {
  it('delivers in order per aggregate and redelivery has no effect', async () => {
    for (let n = 1; n <= 5; n += 1) await publish('a', n);
    const consumer = recordingConsumer();
    const first = await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [consumer], logger);
    expect(first.delivered).toBe(5);
    // Pretend the outbox marks were lost (crash after consumer commit): everything is redelivered.
    await sql`UPDATE employees.outbox SET status = 'PENDING'`.execute(tenantDb);
    const second = await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [consumer], logger);
    expect(second.delivered).toBe(5);
    const seen = await sql<{ n: number }>`SELECT n FROM assets.test_seen ORDER BY seen_at`.execute(tenantDb);
    expect(seen.rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets one relay at a time drain a tenant: another process holding the lock makes it stand aside', async () => {
    await publish('x', 1);
    await publish('x', 2);
    const consumer = recordingConsumer();
    // Another worker's relay, holding the tenant's relay lock on its own session.
    const other = company.openTenantDb();
    try {
      await other.connection().execute(async (conn) => {
        await sql`SELECT pg_advisory_lock(${RELAY_LOCK}::bigint)`.execute(conn);
        expect(await drainTenantExclusively(tenantDb, ['ASSETS', 'EMPLOYEES'], [consumer], logger)).toBeNull();
        const pending = await sql<{ n: string }>`SELECT count(*) AS n FROM employees.outbox WHERE status = 'PENDING'`.execute(tenantDb);
        expect(Number(pending.rows[0]!.n)).toBe(2);
        await sql`SELECT pg_advisory_unlock(${RELAY_LOCK}::bigint)`.execute(conn);
      });
    } finally {
      await other.destroy();
    }
    // Released: this relay drains, and leaves the lock free for the next one.
    expect(await drainTenantExclusively(tenantDb, ['ASSETS', 'EMPLOYEES'], [consumer], logger)).toEqual({ delivered: 2, failed: 0, dead: 0 });
    expect((await drainTenantExclusively(tenantDb, ['ASSETS', 'EMPLOYEES'], [consumer], logger))?.delivered).toBe(0);
    const seen = await sql<{ n: number }>`SELECT n FROM assets.test_seen ORDER BY seen_at`.execute(tenantDb);
    expect(seen.rows.map((r) => r.n)).toEqual([1, 2]);
  });

  it('retries with backoff, keeps later events of the aggregate waiting, and dead-letters after N failures', async () => {
    await publish('b', 1);
    await publish('b', 2);
    await publish('c', 1);
    const options = { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 2, backoffBaseMillis: 60_000 };
    const flaky = recordingConsumer(undefined, 1);
    const r1 = await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [flaky], logger, options);
    // b#1 failed, so b#2 waited behind it; c went through.
    expect(r1).toMatchObject({ failed: 1, delivered: 1 });
    let seen = await sql<{ aggregate_id: string; n: number }>`SELECT aggregate_id, n FROM assets.test_seen ORDER BY seen_at`.execute(tenantDb);
    expect(seen.rows).toEqual([{ aggregate_id: 'c', n: 1 }]);
    const backoff = await sql<{
      wait: number;
    }>`SELECT extract(epoch FROM next_attempt_at - now())::int AS wait FROM employees.outbox WHERE aggregate_id = 'b' AND status = 'PENDING' AND attempts = 1`.execute(
      tenantDb,
    );
    expect(backoff.rows[0]!.wait).toBeGreaterThan(50);
    // Still backing off: nothing moves.
    expect(await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [flaky], logger, options)).toEqual({ delivered: 0, failed: 0, dead: 0 });
    await sql`UPDATE employees.outbox SET next_attempt_at = now()`.execute(tenantDb);
    await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [flaky], logger, options);
    seen = await sql<{ aggregate_id: string; n: number }>`SELECT aggregate_id, n FROM assets.test_seen ORDER BY seen_at`.execute(tenantDb);
    expect(seen.rows).toEqual([
      { aggregate_id: 'c', n: 1 },
      { aggregate_id: 'b', n: 1 },
      { aggregate_id: 'b', n: 2 },
    ]);

    await publish('d', 1);
    const broken = recordingConsumer(undefined, 99);
    await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [broken], logger, options);
    await sql`UPDATE employees.outbox SET next_attempt_at = now()`.execute(tenantDb);
    await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [broken], logger, options);
    const dead = await sql<{
      status: string;
      attempts: number;
      last_error: string;
    }>`SELECT status, attempts, last_error FROM employees.outbox WHERE aggregate_id = 'd'`.execute(tenantDb);
    expect(dead.rows).toEqual([{ status: 'DEAD', attempts: 2, last_error: 'consumer is down' }]);
  });

  it('the worker wakes on NOTIFY and delivers in well under a second without polling', async () => {
    let resolveHandled!: (event: DeliveredEvent) => void;
    const handled = new Promise<DeliveredEvent>((resolve) => (resolveHandled = resolve));
    const shards = new ShardDirectory(database.config.shards);
    const pools = new TenantPoolManager(shards, { perTenant: 2, globalCap: 10, idleMillis: 60_000, applicationName: 'test' });
    // Polling far slower than the test: only the notification can deliver in time.
    const worker = new OutboxWorker(database.db, shards, pools, [recordingConsumer((e) => resolveHandled(e))], logger, {
      ...DEFAULT_WORKER_OPTIONS,
      pollMillis: 600_000,
    });
    try {
      await worker.start();
      await worker.idle();
      const started = Date.now();
      await publish('e', 7);
      const event = await handled;
      expect(event.payload).toEqual({ n: 7 });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await worker.stop();
      await pools.shutdown();
    }
  });
});

describe('worker partitions', () => {
  it('split tenants by a stable hash: each in exactly one of n partitions, near even shares', () => {
    const ids = Array.from({ length: 2000 }, () => randomUUID());
    const shares = [0, 0, 0, 0];
    for (const id of ids) {
      const p = partitionOf(id, 4);
      expect(partitionOf(id, 4)).toBe(p);
      shares[p]! += 1;
    }
    for (const share of shares) expect(share).toBeGreaterThan(400);
    expect(parsePartition(undefined)).toEqual({ index: 0, count: 1 });
    expect(parsePartition('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '1/0', 'x', '-1/2', '1/2/3']) expect(() => parsePartition(bad)).toThrow(/FLUXO_WORKER_PARTITION/);
  });

  it('a worker relays only the tenants of its partition', async () => {
    const mine = partitionOf(company.tenant.id, 2);
    const shards = new ShardDirectory(database.config.shards);
    const pools = new TenantPoolManager(shards, { perTenant: 2, globalCap: 10, idleMillis: 60_000, applicationName: 'test' });
    const seen: number[] = [];
    const consumer = recordingConsumer((e) => seen.push(Number(e.payload.n)));
    const other = new OutboxWorker(database.db, shards, pools, [consumer], logger, {
      ...DEFAULT_WORKER_OPTIONS,
      pollMillis: 600_000,
      partition: { index: 1 - mine, count: 2 },
    });
    const owner = new OutboxWorker(database.db, shards, pools, [consumer], logger, {
      ...DEFAULT_WORKER_OPTIONS,
      pollMillis: 600_000,
      partition: { index: mine, count: 2 },
    });
    try {
      await publish('p', 1);
      await other.start();
      await other.idle();
      expect(seen).toEqual([]);
      await owner.start();
      await owner.idle();
      expect(seen).toEqual([1]);
    } finally {
      await other.stop();
      await owner.stop();
      await pools.shutdown();
    }
  });
});

describe('dead letters', () => {
  it('an operator can list dead events and replay them', async () => {
    await publish('z', 1);
    const options = { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1 };
    await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [recordingConsumer(undefined, 99)], logger, options);
    const dead = await listDeadEvents(tenantDb, ['ASSETS', 'EMPLOYEES']);
    expect(dead).toEqual([
      expect.objectContaining({ module: 'EMPLOYEES', eventType: 'ThingHappened', aggregate: 'Thing:z', attempts: 1, lastError: 'consumer is down' }),
    ]);
    expect(await replayDeadEvents(tenantDb, ['ASSETS', 'EMPLOYEES'], [dead[0]!.id])).toBe(1);
    expect(await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES'], [recordingConsumer()], logger, options)).toMatchObject({ delivered: 1 });
    expect(await listDeadEvents(tenantDb, ['ASSETS', 'EMPLOYEES'])).toEqual([]);
  });
});

describe('graceful stop', () => {
  it('finishes the event in hand, leaves the rest of the batch pending and releases the tenant', async () => {
    for (let n = 1; n <= 10; n += 1) await publish('s', n);
    const recording = recordingConsumer();
    let inHand!: () => void;
    const consumerEntered = new Promise<void>((resolve) => (inHand = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The first delivery is held open until the worker has been told to stop.
    const slow: EventConsumer = {
      ...recording,
      handle: async (trx, event) => {
        inHand();
        await released;
        await recording.handle(trx, event);
      },
    };
    const shards = new ShardDirectory(database.config.shards);
    const pools = new TenantPoolManager(shards, { perTenant: 2, globalCap: 10, idleMillis: 60_000, applicationName: 'test' });
    const worker = new OutboxWorker(database.db, shards, pools, [slow], logger, { ...DEFAULT_WORKER_OPTIONS, pollMillis: 600_000 });
    try {
      await worker.start();
      await consumerEntered;
      const stopped = worker.stop();
      release();
      await stopped;
    } finally {
      await pools.shutdown();
    }

    const seen = await sql<{ n: number }>`SELECT n FROM assets.test_seen ORDER BY seen_at`.execute(tenantDb);
    expect(seen.rows.map((r) => r.n)).toEqual([1]);
    const left = await sql<{ status: string; attempts: number; n: string }>`
      SELECT status, attempts, count(*) AS n FROM employees.outbox GROUP BY status, attempts ORDER BY status`.execute(tenantDb);
    expect(left.rows).toEqual([
      { status: 'DELIVERED', attempts: 1, n: '1' },
      { status: 'PENDING', attempts: 0, n: '9' },
    ]);
    // The tenant's relay lock went with the stopped worker: the next relay takes it and delivers the rest in order.
    expect(await drainTenantExclusively(tenantDb, ['ASSETS', 'EMPLOYEES'], [recording], logger)).toMatchObject({ delivered: 9, failed: 0, dead: 0 });
    const all = await sql<{ n: number }>`SELECT n FROM assets.test_seen ORDER BY seen_at`.execute(tenantDb);
    expect(all.rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
