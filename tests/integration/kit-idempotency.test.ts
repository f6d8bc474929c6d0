import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { createPool } from '../../platform/db';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import { UserErrorsException } from '../../subgraphs/kit/errors';
import { purgeExpiredIdempotencyKeys, runIdempotently, type IdempotentRequest } from '../../subgraphs/kit/idempotency';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The kit's idempotency keys on a real tenant database (the assets schema's
// key table): replay, reuse, a failure leaving the key free, a concurrent
// retry waiting for the first, and the purge of keys past their retention.

let database: TestDatabase;
let db: Kysely<AssetsDB>;
let other: Kysely<AssetsDB>;

beforeAll(async () => {
  database = await createTestDatabase();
  const company = await createCompany(database, { name: 'Kit Keys Co', modules: ['ASSETS'] });
  db = new Kysely({ dialect: new PostgresDialect({ pool: createPool(company.tenantUrl, { max: 3 }) }) });
  other = new Kysely({ dialect: new PostgresDialect({ pool: createPool(company.tenantUrl, { max: 1 }) }) });
});
afterAll(async () => {
  await db?.destroy();
  await other?.destroy();
  await database?.drop();
});

const request = (key: string | null, name: string): IdempotentRequest => ({
  module: 'ASSETS',
  operation: 'createCategory',
  key,
  canonicalInput: () => ({ name }),
});

/** Creates a category under `key`, counting how often the work really ran. */
function createCategory(trx: Transaction<AssetsDB>, key: string | null, name: string, ran: { count: number }, before?: () => Promise<void>) {
  return runIdempotently(
    trx,
    request(key, name),
    async ([id]) => (await trx.selectFrom('assets.category').select(['id', 'name']).where('id', '=', id!).executeTakeFirstOrThrow()).name,
    async () => {
      ran.count += 1;
      await before?.();
      const row = await trx.insertInto('assets.category').values({ name }).returning(['id', 'name']).executeTakeFirstOrThrow();
      return { result: row.name, resultIds: [row.id] };
    },
  );
}

const inTransaction = <T>(work: (trx: Transaction<AssetsDB>) => Promise<T>, on: Kysely<AssetsDB> = db) => on.transaction().execute(work);
const categories = async (name: string) => (await db.selectFrom('assets.category').select('id').where('name', '=', name).execute()).length;
const codeOf = (error: unknown) => (error instanceof UserErrorsException ? error.userErrors.map((e) => e.code) : error);

describe('runIdempotently', () => {
  it('runs the work every time without a key', async () => {
    const ran = { count: 0 };
    await inTransaction((trx) => createCategory(trx, null, 'Keyless A', ran));
    await expect(inTransaction((trx) => createCategory(trx, null, 'Keyless A', ran))).rejects.toMatchObject({ code: '23505' });
    expect(ran.count).toBe(2);
  });

  it('replays the first result for the same request and refuses another request under the key', async () => {
    const ran = { count: 0 };
    expect(await inTransaction((trx) => createCategory(trx, 'k-1', 'Vehicles', ran))).toEqual({ result: 'Vehicles', replayed: false });
    expect(await inTransaction((trx) => createCategory(trx, 'k-1', 'Vehicles', ran))).toEqual({ result: 'Vehicles', replayed: true });
    expect(ran.count).toBe(1);
    expect(await categories('Vehicles')).toBe(1);
    const reused = await inTransaction((trx) => createCategory(trx, 'k-1', 'Furniture', ran)).catch(codeOf);
    expect(reused).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await categories('Furniture')).toBe(0);
  });

  it('refuses keys that are empty or longer than 200 characters', async () => {
    for (const key of ['', 'x'.repeat(201)]) {
      expect(await inTransaction((trx) => createCategory(trx, key, 'Tools', { count: 0 })).catch(codeOf)).toEqual(['INVALID_IDEMPOTENCY_KEY']);
    }
    expect(await inTransaction((trx) => createCategory(trx, 'x'.repeat(200), 'Tools', { count: 0 }))).toEqual({ result: 'Tools', replayed: false });
  });

  it('leaves the key unused when the work fails', async () => {
    const ran = { count: 0 };
    const failing = () => Promise.reject(new UserErrorsException([{ field: null, message: 'no', code: 'REFUSED' }]));
    expect(await inTransaction((trx) => createCategory(trx, 'k-fail', 'Plants', ran, failing)).catch(codeOf)).toEqual(['REFUSED']);
    expect(await inTransaction((trx) => createCategory(trx, 'k-fail', 'Plants', ran))).toEqual({ result: 'Plants', replayed: false });
    expect(ran.count).toBe(2);
  });

  it('makes a concurrent retry wait for the first request and then replay its result', async () => {
    const ran = { count: 0 };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimed!: () => void;
    const firstClaimed = new Promise<void>((resolve) => (claimed = resolve));
    const first = inTransaction((trx) =>
      createCategory(trx, 'k-race', 'Machines', ran, async () => {
        claimed();
        await held;
      }),
    );
    await firstClaimed;
    const retry = inTransaction((trx) => createCategory(trx, 'k-race', 'Machines', ran), other);
    // The retry's claim waits on the first transaction's uncommitted key: visible as a lock wait.
    await waitUntilBlockedOnLock();
    release();
    expect(await first).toEqual({ result: 'Machines', replayed: false });
    expect(await retry).toEqual({ result: 'Machines', replayed: true });
    expect(ran.count).toBe(1);
    expect(await categories('Machines')).toBe(1);
  });

  it('lets a retry claim the key when the first request rolled back while it waited', async () => {
    const ran = { count: 0 };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimed!: () => void;
    const firstClaimed = new Promise<void>((resolve) => (claimed = resolve));
    const first = inTransaction((trx) =>
      createCategory(trx, 'k-rollback', 'Boats', ran, async () => {
        claimed();
        await held;
        throw new UserErrorsException([{ field: null, message: 'no', code: 'REFUSED' }]);
      }),
    ).catch(codeOf);
    await firstClaimed;
    const retry = inTransaction((trx) => createCategory(trx, 'k-rollback', 'Boats', ran), other);
    await waitUntilBlockedOnLock();
    release();
    expect(await first).toEqual(['REFUSED']);
    expect(await retry).toEqual({ result: 'Boats', replayed: false });
    expect(await categories('Boats')).toBe(1);
  });
});

describe('purgeExpiredIdempotencyKeys', () => {
  it('removes keys older than 24 hours, oldest first and at most `limit`, and keeps younger ones', async () => {
    for (const key of ['old-1', 'old-2', 'young']) await inTransaction((trx) => createCategory(trx, key, `Purge ${key}`, { count: 0 }));
    await sql`UPDATE assets.idempotency_key SET created_at = now() - interval '25 hours' WHERE key = 'old-1'`.execute(db);
    await sql`UPDATE assets.idempotency_key SET created_at = now() - interval '24 hours 30 minutes' WHERE key = 'old-2'`.execute(db);
    await sql`UPDATE assets.idempotency_key SET created_at = now() - interval '23 hours' WHERE key = 'young'`.execute(db);
    const keys = async () =>
      (await sql<{ key: string }>`SELECT key FROM assets.idempotency_key WHERE key IN ('old-1', 'old-2', 'young') ORDER BY key`.execute(db)).rows.map(
        (r) => r.key,
      );

    expect(await inTransaction((trx) => purgeExpiredIdempotencyKeys(trx, 'ASSETS', 1))).toBe(1);
    expect(await keys()).toEqual(['old-2', 'young']);
    // Claiming a new key purges what has expired meanwhile.
    await inTransaction((trx) => createCategory(trx, 'fresh', 'Purge fresh', { count: 0 }));
    expect(await keys()).toEqual(['young']);
  });
});

/** Polls pg_stat_activity (no fixed sleep) until a session of this database waits on a lock. */
async function waitUntilBlockedOnLock(): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
    if (Number(rows[0]!.n) > 0) return;
  }
  throw new Error('no session ever waited on a lock');
}
