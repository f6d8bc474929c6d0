import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createLogger } from '../../platform/logger';
import { publishEvents, type DomainEvent, type EventConsumer } from '../../platform/outbox';
import { loadConsumers } from '../../platform/subgraphs';
import { buildEvent } from '../../subgraphs/contracts/event';
import { EmployeeHired } from '../../subgraphs/contracts/employees';
import { PayRunPosted } from '../../subgraphs/contracts/payroll';
import { drainTenant } from '../../worker/relay';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';
import { deliverEvents } from '../support/events';

/*
 * The policy for an event from a module its consumers do not believe: the
 * relay dead-letters it at once, with the reason, before any consumer sees it.
 * Driven through the real relay and the modules' real consumers on a real
 * tenant database with every module.
 */

let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Sources Co', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
  tenantDb = company.openTenantDb();
});
afterAll(async () => {
  await tenantDb?.destroy();
  await database?.drop();
});

/** Writes events to a module's outbox as that module's own code would, returning their ids in order. */
async function publishFrom(schema: string, events: DomainEvent[]): Promise<string[]> {
  await tenantDb.transaction().execute((trx) => publishEvents(trx, schema, events, `req-${randomUUID()}`));
  const { rows } = await sql<{ id: string }>`SELECT id FROM ${sql.table(`${schema}.outbox`)} ORDER BY seq DESC LIMIT ${events.length}`.execute(tenantDb);
  return rows.map((r) => r.id).reverse();
}

const outboxRow = async (schema: string, id: string) =>
  (
    await sql<{
      status: string;
      attempts: number;
      last_error: string | null;
    }>`SELECT status, attempts, last_error FROM ${sql.table(`${schema}.outbox`)} WHERE id = ${id}`.execute(tenantDb)
  ).rows[0];

const inboxed = async (id: string) =>
  Number(
    (
      await sql<{
        n: string;
      }>`SELECT (SELECT count(*) FROM assets.inbox WHERE event_id = ${id}) + (SELECT count(*) FROM payroll.inbox WHERE event_id = ${id}) + (SELECT count(*) FROM finance.inbox WHERE event_id = ${id}) AS n`.execute(
        tenantDb,
      )
    ).rows[0]!.n,
  );

const hire = (employeeId: string, fullName: string) =>
  buildEvent(EmployeeHired, {
    employeeId,
    employeeNumber: 'EMP-000001',
    fullName,
    email: `${employeeId.slice(0, 8)}@sources.example`,
    hireDate: '2026-01-05',
    departmentId: null,
    status: 'ACTIVE',
  });

describe('events from an unexpected source', () => {
  it('are dead-lettered at once with the reason, while the same event from its publisher is delivered', async () => {
    const forged = randomUUID();
    const genuine = randomUUID();
    const [forgedId] = await publishFrom('finance', [hire(forged, 'Forged Person')]);
    const [genuineId] = await publishFrom('employees', [hire(genuine, 'Real Person')]);

    const report = await deliverEvents(database.config, database.db, company.slug);

    expect(report).toMatchObject({ delivered: 1, failed: 0, dead: 1 });
    // One attempt, no retry waiting behind a backoff: dead, and the reason says who expected what.
    expect(await outboxRow('finance', forgedId!)).toEqual({
      status: 'DEAD',
      attempts: 1,
      last_error: 'ASSETS accepts EmployeeHired only from EMPLOYEES, not from FINANCE',
    });
    expect(await inboxed(forgedId!)).toBe(0);
    const forgedRows =
      await sql`SELECT 1 FROM assets.employee_projection WHERE employee_id = ${forged} UNION ALL SELECT 1 FROM payroll.employee_projection WHERE employee_id = ${forged}`.execute(
        tenantDb,
      );
    expect(forgedRows.rows).toEqual([]);

    expect(await outboxRow('employees', genuineId!)).toMatchObject({ status: 'DELIVERED', attempts: 1, last_error: null });
    const genuineRows = await sql<{ name: string }>`
      SELECT full_name AS name FROM assets.employee_projection WHERE employee_id = ${genuine}
      UNION ALL SELECT full_name FROM payroll.employee_projection WHERE employee_id = ${genuine}`.execute(tenantDb);
    expect(genuineRows.rows).toEqual([{ name: 'Real Person' }, { name: 'Real Person' }]);
  });

  it('never reach the ledger: a posting announced by a module that does not own the event books nothing', async () => {
    const payRunId = randomUUID();
    const posting = {
      reference: payRunId,
      date: '2026-01-31',
      memo: 'Payroll 2026-01',
      lines: [
        { accountCode: '6000', debit: '10.00' },
        { accountCode: '2100', credit: '10.00' },
      ],
    };
    const event = buildEvent(PayRunPosted, { payRunId, periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-31', posting });
    const [id] = await publishFrom('assets', [event]);

    await deliverEvents(database.config, database.db, company.slug);

    expect(await outboxRow('assets', id!)).toEqual({
      status: 'DEAD',
      attempts: 1,
      last_error: 'FINANCE accepts PayRunPosted only from PAYROLL, not from ASSETS',
    });
    const entries = await sql`SELECT 1 FROM finance.journal_entry WHERE source_reference = ${payRunId}`.execute(tenantDb);
    expect(entries.rows).toEqual([]);
  });

  it('do not hold up later events of the same aggregate', async () => {
    const employeeId = randomUUID();
    const [forgedId, laterId] = await publishFrom('finance', [
      hire(employeeId, 'Forged Again'),
      { type: 'EmployeeNoted', aggregateType: 'Employee', aggregateId: employeeId, payload: {} },
    ]);
    // A failing event would keep the next one of its aggregate waiting for its retry; a dead one does not.
    expect(await deliverEvents(database.config, database.db, company.slug)).toMatchObject({ delivered: 1, dead: 1 });
    expect(await outboxRow('finance', forgedId!)).toMatchObject({ status: 'DEAD', attempts: 1 });
    expect(await outboxRow('finance', laterId!)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
  });

  it('are judged by the relay for any consumer: a consumer that declares its sources never sees the others', async () => {
    let handled = 0;
    const strict: EventConsumer = { module: 'ASSETS', accepts: { ThingCounted: 'EMPLOYEES' }, handle: async () => void (handled += 1) };
    const [fromPayroll] = await publishFrom('payroll', [{ type: 'ThingCounted', aggregateType: 'Thing', aggregateId: 't-1', payload: {} }]);
    const [fromEmployees] = await publishFrom('employees', [{ type: 'ThingCounted', aggregateType: 'Thing', aggregateId: 't-2', payload: {} }]);
    const report = await drainTenant(tenantDb, ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'], [...loadConsumers(), strict], createLogger('test', 'silent'));
    expect(report).toMatchObject({ delivered: 1, dead: 1 });
    expect(handled).toBe(1);
    expect(await outboxRow('payroll', fromPayroll!)).toEqual({
      status: 'DEAD',
      attempts: 1,
      last_error: 'ASSETS accepts ThingCounted only from EMPLOYEES, not from PAYROLL',
    });
    expect(await outboxRow('employees', fromEmployees!)).toMatchObject({ status: 'DELIVERED' });
  });
});
