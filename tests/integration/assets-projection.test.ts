import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DeliveredEvent, EventConsumer } from '../../platform/outbox';
import { loadConsumers } from '../../platform/subgraphs';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { deliverEvents, relayOnce } from '../support/events';

let database: TestDatabase;
let company: Company;

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Projection Works', modules: ['ASSETS', 'EMPLOYEES'] });
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await database?.drop();
});

/** Writes an event to the employees outbox as the employees module would, returning its id. */
async function publishEmployeeEvent(type: string, employeeId: string, payload: Record<string, unknown>, occurredAt?: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO employees.outbox (event_type, aggregate_type, aggregate_id, payload, occurred_at)
    VALUES (${type}, 'Employee', ${employeeId}, ${JSON.stringify(payload)}, coalesce(${occurredAt ?? null}::timestamptz, now()))
    RETURNING id`.execute(company.tenantDb);
  return rows[0]!.id;
}

const hired = (employeeId: string, fullName: string) => ({
  employeeId,
  employeeNumber: 'EMP-000001',
  fullName,
  email: `${employeeId.slice(0, 8)}@example.test`,
  hireDate: '2026-01-05',
  departmentId: null,
  status: 'ACTIVE',
});

const projection = (employeeId: string) =>
  company.tenantDb.selectFrom('assets.employee_projection').selectAll().where('employee_id', '=', employeeId).execute();
const inbox = (ids: string[]) =>
  company.tenantDb.selectFrom('assets.inbox').select(['event_id', 'event_type', 'source']).where('event_id', 'in', ids).orderBy('event_type').execute();
const outboxRow = (id: string) =>
  company.tenantDb.selectFrom('employees.outbox').select(['status', 'attempts', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();

describe('the employee projection of the assets module', () => {
  it('learns a hire and a termination exactly once, however often they are delivered', async () => {
    const employeeId = randomUUID();
    const hiredId = await publishEmployeeEvent('EmployeeHired', employeeId, hired(employeeId, 'Ana Silva'));
    const terminatedId = await publishEmployeeEvent('EmployeeTerminated', employeeId, { employeeId, terminationDate: '2026-06-30' });

    const first = await deliverEvents(database.config, database.db, company.slug);
    expect(first).toMatchObject({ delivered: 2, failed: 0, dead: 0 });
    const second = await deliverEvents(database.config, database.db, company.slug);
    expect(second.delivered).toBe(0);

    const after = await projection(employeeId);
    expect(after).toEqual([{ employee_id: employeeId, status: 'TERMINATED', full_name: 'Ana Silva', updated_at: expect.any(Date) }]);
    expect(await inbox([hiredId, terminatedId])).toEqual([
      { event_id: hiredId, event_type: 'EmployeeHired', source: 'EMPLOYEES' },
      { event_id: terminatedId, event_type: 'EmployeeTerminated', source: 'EMPLOYEES' },
    ]);

    // At-least-once: the relay may deliver both again (e.g. it lost its DELIVERED marks). Nothing changes.
    await sql`UPDATE employees.outbox SET status = 'PENDING' WHERE id IN (${hiredId}, ${terminatedId})`.execute(company.tenantDb);
    const again = await deliverEvents(database.config, database.db, company.slug);
    expect(again.delivered).toBe(2);
    expect(await projection(employeeId)).toEqual(after);
    expect(await inbox([hiredId, terminatedId])).toHaveLength(2);
  });

  it('keeps the latest fact when events arrive out of order', async () => {
    const employeeId = randomUUID();
    // The termination reaches the outbox first but happened after the hire.
    await publishEmployeeEvent('EmployeeTerminated', employeeId, { employeeId, terminationDate: '2026-06-30' }, '2026-06-30T17:00:00Z');
    await publishEmployeeEvent('EmployeeHired', employeeId, hired(employeeId, 'Rui Costa'), '2026-01-05T09:00:00Z');
    await publishEmployeeEvent('EmployeeStatusChanged', employeeId, { employeeId, status: 'ON_LEAVE', effectiveDate: '2026-03-01' }, '2026-03-01T09:00:00Z');
    expect((await deliverEvents(database.config, database.db, company.slug)).delivered).toBe(3);
    expect(await projection(employeeId)).toEqual([
      { employee_id: employeeId, status: 'TERMINATED', full_name: 'Rui Costa', updated_at: new Date('2026-06-30T17:00:00Z') },
    ]);
  });

  it('follows status changes in order: leave, then back to active', async () => {
    const employeeId = randomUUID();
    await publishEmployeeEvent('EmployeeHired', employeeId, hired(employeeId, 'Eva Lopes'), '2026-01-05T09:00:00Z');
    await publishEmployeeEvent('EmployeeStatusChanged', employeeId, { employeeId, status: 'ON_LEAVE', effectiveDate: '2026-02-01' }, '2026-02-01T09:00:00Z');
    await deliverEvents(database.config, database.db, company.slug);
    expect((await projection(employeeId))[0]!.status).toBe('ON_LEAVE');
    await publishEmployeeEvent('EmployeeStatusChanged', employeeId, { employeeId, status: 'ACTIVE', effectiveDate: '2026-04-01' }, '2026-04-01T09:00:00Z');
    await deliverEvents(database.config, database.db, company.slug);
    expect((await projection(employeeId))[0]!.status).toBe('ACTIVE');
  });

  it('refuses a malformed payload: the delivery fails and nothing is recorded', async () => {
    const employeeId = randomUUID();
    const { fullName: _missing, ...withoutName } = hired(employeeId, 'Nobody');
    const id = await publishEmployeeEvent('EmployeeHired', employeeId, withoutName);
    const report = await deliverEvents(database.config, database.db, company.slug);
    expect(report).toMatchObject({ delivered: 0, failed: 1 });
    expect(await projection(employeeId)).toEqual([]);
    expect(await inbox([id])).toEqual([]);
    expect(await outboxRow(id)).toMatchObject({ status: 'PENDING', attempts: 1, last_error: expect.stringContaining('fullName') });
    // Out of the way of the next tests: an operator would fix or bury it.
    await sql`UPDATE employees.outbox SET status = 'DEAD' WHERE id = ${id}`.execute(company.tenantDb);
  });

  it('applies an event exactly once when the relay crashes after the consumer committed', async () => {
    const employeeId = randomUUID();
    const id = await publishEmployeeEvent('EmployeeHired', employeeId, hired(employeeId, 'Joana Reis'));
    let handled = 0;
    const counted = loadConsumers().map((c): EventConsumer =>
      c.module === 'ASSETS' ? { ...c, handle: async (trx, event) => ((handled += 1), c.handle(trx, event)) } : c,
    );
    let crashed = false;
    const crashOnce = (point: string, event: DeliveredEvent) => {
      if (point === 'after-consumer-commit' && event.id === id && !crashed) {
        crashed = true;
        throw new Error('worker killed before marking the event delivered');
      }
    };

    const crashedRun = await relayOnce(company, { faultPoint: crashOnce, backoffBaseMillis: 0 }, counted);
    expect(crashedRun).toMatchObject({ delivered: 0, failed: 1 });
    expect(await outboxRow(id)).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(await projection(employeeId)).toHaveLength(1);

    const restarted = await relayOnce(company, { backoffBaseMillis: 0 }, counted);
    expect(restarted).toMatchObject({ delivered: 1, failed: 0 });
    expect(await outboxRow(id)).toMatchObject({ status: 'DELIVERED', attempts: 2, last_error: null });
    expect(handled).toBe(1);
    expect(await inbox([id])).toHaveLength(1);
    expect(await projection(employeeId)).toEqual([expect.objectContaining({ status: 'ACTIVE', full_name: 'Joana Reis' })]);
  });
});
