import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { createLogger } from '../../platform/logger';
import { publishEvents, type EventConsumer } from '../../platform/outbox';
import { buildEvent } from '../../subgraphs/contracts/event';
import { EmployeeDetailsChanged, EmployeeHired } from '../../subgraphs/contracts/employees';
import { PUBLIC_EVENTS_CHANNEL } from '../../subgraphs/contracts/public-events';
import { prunePublicEvents, publicEventObserver } from '../../worker/public-events';
import { drainTenant, DEFAULT_RELAY_OPTIONS } from '../../worker/relay';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

const logger = createLogger('test', 'silent');
let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;

/** A module consumer that takes every hire, to show the public observer never stands in its way. */
function hiresSeen(seen: string[]): EventConsumer {
  return { module: 'PAYROLL', accepts: { EmployeeHired: 'EMPLOYEES' }, handle: async (_trx, event) => void seen.push(event.id) };
}

async function hire(): Promise<string> {
  const employeeId = randomUUID();
  const event = buildEvent(EmployeeHired, {
    employeeId,
    employeeNumber: 'E-1',
    fullName: 'Ada Lovelace',
    email: 'ada@example.com',
    hireDate: '2026-01-05',
    departmentId: null,
    status: 'ACTIVE',
  });
  await tenantDb.transaction().execute((trx) => publishEvents(trx, 'employees', [event], 'req-1'));
  const row = await sql<{ id: string }>`SELECT id FROM employees.outbox WHERE aggregate_id = ${employeeId}`.execute(tenantDb);
  return row.rows[0]!.id;
}

const relay = (observe = publicEventObserver(database.db, company.companyId, logger)) => ({ ...DEFAULT_RELAY_OPTIONS, observe });

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Public Co', modules: ['EMPLOYEES', 'PAYROLL'] });
  tenantDb = company.openTenantDb();
});
afterAll(async () => {
  await tenantDb?.destroy();
  await database?.drop();
});

describe('public events', () => {
  it('records the public form of an event under its internal id, without personal data, and announces it', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const announced: string[] = [];
    listener.on('notification', (n) => announced.push(n.payload ?? ''));
    await listener.query(`LISTEN ${PUBLIC_EVENTS_CHANNEL}`);
    try {
      const id = await hire();
      await drainTenant(tenantDb, ['EMPLOYEES', 'PAYROLL'], [hiresSeen([])], logger, relay());
      const row = await database.db.selectFrom('public_event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ company_id: company.companyId, type: 'employee.hired.v1', module: 'EMPLOYEES' });
      expect(Object.keys(row.payload).sort()).toEqual(['departmentId', 'employeeId', 'employeeNumber', 'hireDate']);
      expect(JSON.stringify(row.payload)).not.toMatch(/Ada|ada@/);
      await listener.query('SELECT 1'); // notifications arrive before the reply to a later query
      expect(announced).toContain(id);
    } finally {
      await listener.end();
    }
  });

  it('records an event once however often the relay offers it, and skips events with no public form', async () => {
    const id = await hire();
    const observe = publicEventObserver(database.db, company.companyId, logger);
    await drainTenant(tenantDb, ['EMPLOYEES', 'PAYROLL'], [hiresSeen([])], logger, relay(observe));
    await sql`UPDATE employees.outbox SET status = 'PENDING' WHERE id = ${id}`.execute(tenantDb);
    await drainTenant(tenantDb, ['EMPLOYEES', 'PAYROLL'], [hiresSeen([])], logger, relay(observe));
    const details = buildEvent(EmployeeDetailsChanged, { employeeId: randomUUID(), fullName: 'B', email: 'b@example.com' });
    await tenantDb.transaction().execute((trx) => publishEvents(trx, 'employees', [details], null));
    const before = await database.db
      .selectFrom('public_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await drainTenant(tenantDb, ['EMPLOYEES', 'PAYROLL'], [hiresSeen([])], logger, relay(observe));
    const after = await database.db
      .selectFrom('public_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const copies = await database.db.selectFrom('public_event').select('id').where('id', '=', id).execute();
    expect(copies).toHaveLength(1);
  });

  it('never holds up or dead-letters the modules’ own handling when recording fails', async () => {
    const id = await hire();
    const seen: string[] = [];
    const broken = publicEventObserver(database.db, randomUUID(), logger); // no such company: the insert fails
    const report = await drainTenant(tenantDb, ['EMPLOYEES', 'PAYROLL'], [hiresSeen(seen)], logger, relay(broken));
    expect(report).toMatchObject({ failed: 0, dead: 0 });
    expect(seen).toContain(id);
    const outbox = await sql<{ status: string }>`SELECT status FROM employees.outbox WHERE id = ${id}`.execute(tenantDb);
    expect(outbox.rows[0]!.status).toBe('DELIVERED');
    expect(await database.db.selectFrom('public_event').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('deletes events older than the retention window in batches and keeps the rest', async () => {
    const [old1, old2, fresh] = [await hire(), await hire(), await hire()];
    await drainTenant(tenantDb, ['EMPLOYEES', 'PAYROLL'], [hiresSeen([])], logger, relay());
    await sql`UPDATE public_event SET recorded_at = now() - interval '8 days' WHERE id IN (${old1}, ${old2})`.execute(database.db);
    const deleted = await prunePublicEvents(database.db, 7 * 24 * 3_600_000, 1);
    expect(deleted).toBe(2);
    const left = await database.db.selectFrom('public_event').select('id').where('id', 'in', [old1!, old2!, fresh!]).execute();
    expect(left.map((r) => r.id)).toEqual([fresh]);
  });
});
