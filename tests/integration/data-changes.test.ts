import { sql, type Kysely } from 'kysely';
import { UNWATCHED_TABLES } from '../../migrations/tenant/data-changes';
import { MODULES, moduleSchema, type ModuleName } from '../../platform/modules';
import { createLogger } from '../../platform/logger';
import { drainTenant } from '../../worker/relay';
import { readDataChanges } from '../../worker/data-changes';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// Any write to a module's tables, by any writer, leaves a mark the relay
// announces to the gateways' response caches (migrations/tenant/data-changes.ts,
// docs/response-cache.md): one per transaction and module, none for a
// rollback, none for the relay's own bookkeeping, and the relay clears only
// what it announced.

const logger = createLogger('test', 'silent');

let database: TestDatabase;
let company: Company;
let db: Kysely<unknown>;

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Data Changes', modules: [...MODULES] });
  db = company.openTenantDb<unknown>();
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const marks = async (module: ModuleName): Promise<number> =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(`${moduleSchema(module)}.data_change`)}`.execute(db)).rows[0]!.n);

async function clearAll(): Promise<void> {
  for (const m of MODULES) await sql`DELETE FROM ${sql.table(`${moduleSchema(m)}.data_change`)}`.execute(db);
}

beforeEach(clearAll);

it('watches every table of every module schema but the relay bookkeeping', async () => {
  const { rows } = await sql<{ schema: string; table: string; watched: boolean }>`
    SELECT n.nspname AS schema, c.relname AS table,
           EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'data_change_watch') AS watched
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(${sql.val(MODULES.map(moduleSchema))}::text[]) AND c.relkind IN ('r', 'p')`.execute(db);
  const unwatched = new Set<string>(UNWATCHED_TABLES);
  // A table a later migration adds must get the trigger (watchTablesV1, or its successor), or its writes go unannounced.
  const wrong = rows.filter((r) => r.watched === unwatched.has(r.table)).map((r) => `${r.schema}.${r.table}${r.watched ? ' (watched)' : ''}`);
  expect(wrong).toEqual([]);
  expect(rows.filter((r) => r.watched).length).toBeGreaterThan(40);
});

it('marks a module once per transaction, whatever it wrote, and not at all when it rolled back', async () => {
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO employees.department (id, name) VALUES (gen_random_uuid(), 'Marks A'), (gen_random_uuid(), 'Marks B')`.execute(trx);
    await sql`UPDATE employees.department SET name = name || '!' WHERE name LIKE 'Marks %'`.execute(trx);
    await sql`UPDATE employees.employee SET first_name = first_name WHERE false`.execute(trx);
  });
  expect(await marks('EMPLOYEES')).toBe(1);
  expect(await marks('ASSETS')).toBe(0);

  await expect(
    db.transaction().execute(async (trx) => {
      await sql`DELETE FROM employees.department WHERE name LIKE 'Marks %'`.execute(trx);
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  expect(await marks('EMPLOYEES')).toBe(1);
  expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM employees.department WHERE name LIKE 'Marks %'`.execute(db)).rows[0]!.n)).toBe(2);

  // A savepoint rolled back takes its mark with it; the write after it marks again.
  await db.transaction().execute(async (trx) => {
    await sql`SAVEPOINT s`.execute(trx);
    await sql`DELETE FROM employees.department WHERE name = 'Marks A!'`.execute(trx);
    await sql`ROLLBACK TO SAVEPOINT s`.execute(trx);
    await sql`DELETE FROM employees.department WHERE name = 'Marks B!'`.execute(trx);
  });
  expect(await marks('EMPLOYEES')).toBe(2);

  // One transaction across two modules marks each once.
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE assets.category SET name = name WHERE false`.execute(trx);
    await sql`DELETE FROM employees.department WHERE name = 'Marks A!'`.execute(trx);
  });
  expect([await marks('ASSETS'), await marks('EMPLOYEES')]).toEqual([1, 3]);
});

it('does not mark the outbox and inbox, which the relay itself writes on every pass', async () => {
  await sql`INSERT INTO payroll.outbox (event_type, aggregate_type, aggregate_id, payload) VALUES ('x.y', 'x', 'x-1', '{}')`.execute(db);
  await sql`UPDATE payroll.outbox SET status = 'DEAD'`.execute(db);
  await sql`INSERT INTO finance.inbox (event_id, event_type, source) VALUES (gen_random_uuid(), 'x.y', 'PAYROLL')`.execute(db);
  for (const m of MODULES) expect(await marks(m)).toBe(0);
});

describe('the relay', () => {
  it('announces the written modules and clears the marks it announced', async () => {
    await sql`UPDATE assets.category SET name = name WHERE false`.execute(db);
    await sql`UPDATE finance.account SET name = name WHERE false`.execute(db);
    const told: Array<[string[], string]> = [];
    await drainTenant(db, MODULES, [], logger, {
      batchSize: 10,
      maxAttempts: 1,
      backoffBaseMillis: 1,
      backoffMaxMillis: 1,
      changed: async (modules, source) => {
        told.push([[...modules].sort(), source]);
      },
    });
    expect(told).toEqual([[['ASSETS', 'FINANCE'], 'data']]);
    expect((await readDataChanges(db, MODULES)).size).toBe(0);
  });

  it('keeps the marks when the announcement did not go out, and announces them on its next pass', async () => {
    await sql`UPDATE payroll.pay_run SET status = status WHERE false`.execute(db);
    const options = { batchSize: 10, maxAttempts: 1, backoffBaseMillis: 1, backoffMaxMillis: 1 };
    await drainTenant(db, MODULES, [], logger, { ...options, changed: async () => false });
    expect(await marks('PAYROLL')).toBe(1);
    const told: string[][] = [];
    await drainTenant(db, MODULES, [], logger, { ...options, changed: async (modules) => void told.push([...modules]) });
    expect(told).toEqual([['PAYROLL']]);
    expect(await marks('PAYROLL')).toBe(0);
  });

  it('reads a tenant whose migrations have not added the marks yet as unchanged', async () => {
    await sql`ALTER TABLE assets.data_change RENAME TO data_change_later`.execute(db);
    try {
      expect(await readDataChanges(db, ['ASSETS'])).toEqual(new Map());
    } finally {
      await sql`ALTER TABLE assets.data_change_later RENAME TO data_change`.execute(db);
    }
  });
});
