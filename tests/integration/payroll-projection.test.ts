import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createCompany, type Company } from '../support/company';
import { deliverEvents } from '../support/events';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { TenantDB } from '../support/tenant-db';

let database: TestDatabase;
let company: Company;
let tenantDb: Kysely<TenantDB>;

/**
 * Puts an event in a module's outbox as its publisher would. `occurredAt` lets a
 * test say when the fact happened, to deliver facts out of their real order.
 */
async function publish(schema: 'employees' | 'finance', type: string, aggregateId: string, payload: object, occurredAt?: string): Promise<void> {
  await sql`
    INSERT INTO ${sql.table(`${schema}.outbox`)} (event_type, aggregate_type, aggregate_id, payload, occurred_at)
    VALUES (${type}, ${schema === 'employees' ? 'Employee' : 'JournalEntry'}, ${aggregateId}, ${JSON.stringify(payload)}::jsonb, ${occurredAt ?? new Date().toISOString()}::timestamptz)`.execute(
    tenantDb,
  );
}

const deliver = () => deliverEvents(database.config, database.db, company.slug);

async function employeeRow(id: string) {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT employee_number, full_name, email, hire_date, department_id, status, status_since, termination_date
    FROM payroll.employee_projection WHERE employee_id = ${id}`.execute(tenantDb);
  return rows[0];
}

async function contractRow(id: string) {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT employee_id, type, start_date, end_date, pay_frequency, base_salary, currency, ended_on
    FROM payroll.contract_projection WHERE contract_id = ${id}`.execute(tenantDb);
  return rows[0];
}

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Projection Co', modules: ['EMPLOYEES', 'PAYROLL'] });
  tenantDb = company.openTenantDb();
});
afterAll(async () => {
  await tenantDb?.destroy();
  await database?.drop();
});

describe("payroll's projection of employees' events", () => {
  const ana = randomUUID();
  const anaContract = randomUUID();
  const department = randomUUID();

  it('builds employees and contracts from the events, and a second delivery changes nothing', async () => {
    await publish('employees', 'EmployeeHired', ana, {
      employeeId: ana,
      employeeNumber: 'EMP-000001',
      fullName: 'Ana Silva',
      email: 'ana.silva@acme.example',
      hireDate: '2026-01-05',
      departmentId: department,
      status: 'ACTIVE',
    });
    await publish('employees', 'ContractSigned', ana, {
      contractId: anaContract,
      employeeId: ana,
      type: 'PERMANENT',
      startDate: '2026-01-05',
      endDate: null,
      payFrequency: 'MONTHLY',
      baseSalary: { amount: '4200.00', currency: 'EUR' },
    });
    await publish('employees', 'EmployeeStatusChanged', ana, { employeeId: ana, status: 'ON_LEAVE', effectiveDate: '2026-03-01' });
    await publish('employees', 'EmployeeTerminated', ana, { employeeId: ana, terminationDate: '2026-06-30' });
    await publish('employees', 'ContractEnded', ana, { contractId: anaContract, employeeId: ana, endDate: '2026-06-30' });

    expect(await deliver()).toMatchObject({ delivered: 5, failed: 0, dead: 0 });
    expect(await deliver()).toEqual({ delivered: 0, failed: 0, dead: 0 });

    expect(await employeeRow(ana)).toEqual({
      employee_number: 'EMP-000001',
      full_name: 'Ana Silva',
      email: 'ana.silva@acme.example',
      hire_date: '2026-01-05',
      department_id: department,
      status: 'TERMINATED',
      status_since: '2026-06-30',
      termination_date: '2026-06-30',
    });
    expect(await contractRow(anaContract)).toEqual({
      employee_id: ana,
      type: 'PERMANENT',
      start_date: '2026-01-05',
      end_date: null,
      pay_frequency: 'MONTHLY',
      base_salary: '4200.00',
      currency: 'EUR',
      ended_on: '2026-06-30',
    });
    const inbox = await sql<{ n: string }>`SELECT count(*) AS n FROM payroll.inbox WHERE source = 'EMPLOYEES'`.execute(tenantDb);
    expect(Number(inbox.rows[0]!.n)).toBe(5);
  });

  it('the inbox makes a redelivery of the same events a no-op (crash after the consumer committed)', async () => {
    // A newer fact arrives by other means first, so a re-applied old event would visibly roll it back.
    await sql`UPDATE payroll.contract_projection SET base_salary = 9999.00 WHERE contract_id = ${anaContract}`.execute(tenantDb);
    await sql`UPDATE employees.outbox SET status = 'PENDING'`.execute(tenantDb);
    expect(await deliver()).toMatchObject({ delivered: 5, failed: 0 });
    expect((await contractRow(anaContract))!.base_salary).toBe('9999.00');
    const inbox = await sql<{ n: string }>`SELECT count(*) AS n FROM payroll.inbox`.execute(tenantDb);
    expect(Number(inbox.rows[0]!.n)).toBe(5);
    await sql`UPDATE payroll.contract_projection SET base_salary = 4200.00 WHERE contract_id = ${anaContract}`.execute(tenantDb);
  });

  it('is order-safe: facts delivered after newer ones never roll them back', async () => {
    const bruno = randomUUID();
    const brunoContract = randomUUID();
    // Delivered in this order, but the termination and the contract's end happened last.
    await publish('employees', 'EmployeeTerminated', bruno, { employeeId: bruno, terminationDate: '2026-03-13' }, '2026-03-13T17:00:00Z');
    await publish('employees', 'ContractEnded', bruno, { contractId: brunoContract, employeeId: bruno, endDate: '2026-03-13' }, '2026-03-13T17:00:00Z');
    await publish(
      'employees',
      'EmployeeHired',
      bruno,
      {
        employeeId: bruno,
        employeeNumber: 'EMP-000002',
        fullName: 'Bruno Costa',
        email: 'bruno@acme.example',
        hireDate: '2025-02-01',
        departmentId: null,
        status: 'ACTIVE',
      },
      '2025-01-20T09:00:00Z',
    );
    await publish(
      'employees',
      'ContractSigned',
      bruno,
      {
        contractId: brunoContract,
        employeeId: bruno,
        type: 'PERMANENT',
        startDate: '2025-02-01',
        endDate: null,
        payFrequency: 'MONTHLY',
        baseSalary: { amount: '3000.00', currency: 'EUR' },
      },
      '2025-01-20T09:00:00Z',
    );
    // A replay of an older version of the contract's terms (another event id) loses to the newer one.
    await publish(
      'employees',
      'ContractSigned',
      bruno,
      {
        contractId: brunoContract,
        employeeId: bruno,
        type: 'PERMANENT',
        startDate: '2025-02-01',
        endDate: null,
        payFrequency: 'MONTHLY',
        baseSalary: { amount: '100.00', currency: 'EUR' },
      },
      '2025-01-19T09:00:00Z',
    );
    expect(await deliver()).toMatchObject({ delivered: 5, failed: 0 });

    expect(await employeeRow(bruno)).toMatchObject({
      employee_number: 'EMP-000002',
      full_name: 'Bruno Costa',
      hire_date: '2025-02-01',
      status: 'TERMINATED',
      termination_date: '2026-03-13',
    });
    expect(await contractRow(brunoContract)).toMatchObject({ start_date: '2025-02-01', base_salary: '3000.00', ended_on: '2026-03-13' });
  });

  it('refuses a payload that breaks the contract (the relay retries, then dead-letters it) instead of guessing', async () => {
    const broken = randomUUID();
    await publish('employees', 'ContractSigned', broken, { contractId: randomUUID(), employeeId: broken, baseSalary: 4200 });
    const report = await deliverEvents(database.config, database.db, company.slug);
    expect(report).toMatchObject({ delivered: 0, failed: 1 });
    const { rows } = await sql<{ last_error: string }>`SELECT last_error FROM employees.outbox WHERE aggregate_id = ${broken}`.execute(tenantDb);
    expect(rows[0]!.last_error).toMatch(/type|startDate|baseSalary/);
    expect(await sql`SELECT 1 FROM payroll.contract_projection WHERE employee_id = ${broken}`.execute(tenantDb).then((r) => r.rows)).toEqual([]);
    await sql`DELETE FROM employees.outbox WHERE aggregate_id = ${broken}`.execute(tenantDb);
  });
});

describe("payroll learns finance's journal entry for a posted run", () => {
  let financeCompany: Company;
  let financeDb: Kysely<TenantDB>;

  beforeAll(async () => {
    financeCompany = await createCompany(database, { name: 'Ledger Co', modules: ['FINANCE', 'PAYROLL'] });
    financeDb = financeCompany.openTenantDb();
  });
  afterAll(async () => {
    await financeDb?.destroy();
  });

  it('stores the entry id of JournalEntryPosted whose source is the pay run, once, and ignores other entries', async () => {
    const run = await sql<{ id: string }>`
      INSERT INTO payroll.pay_run (period_start, period_end, pay_date, currency) VALUES ('2026-01-01', '2026-01-31', '2026-01-31', 'EUR') RETURNING id`.execute(
      financeDb,
    );
    const payRunId = run.rows[0]!.id;
    const entryId = randomUUID();
    const publishEntry = (payload: object) =>
      sql`INSERT INTO finance.outbox (event_type, aggregate_type, aggregate_id, payload) VALUES ('JournalEntryPosted', 'JournalEntry', ${randomUUID()}, ${JSON.stringify(payload)}::jsonb)`.execute(
        financeDb,
      );
    // Entries made in finance itself: one with no reference at all, one whose reference happens to match.
    await publishEntry({ entryId: randomUUID(), number: 'JE-2026-000001', date: '2026-01-10', source: { module: 'finance', reference: null } });
    await publishEntry({ entryId: randomUUID(), number: 'JE-2026-000001', date: '2026-01-15', source: { module: 'finance', reference: payRunId } });
    await publishEntry({ entryId, number: 'JE-2026-000002', date: '2026-01-31', source: { module: 'payroll', reference: payRunId } });
    // A second entry for the same run cannot replace the first.
    await publishEntry({ entryId: randomUUID(), number: 'JE-2026-000003', date: '2026-01-31', source: { module: 'payroll', reference: payRunId } });

    const report = await deliverEvents(database.config, database.db, financeCompany.slug);
    expect(report).toEqual({ delivered: 4, failed: 0, dead: 0 });
    const { rows } = await sql<{ journal_entry_id: string; journal_entry_number: string }>`
      SELECT journal_entry_id, journal_entry_number FROM payroll.pay_run WHERE id = ${payRunId}`.execute(financeDb);
    expect(rows[0]).toEqual({ journal_entry_id: entryId, journal_entry_number: 'JE-2026-000002' });
  });
});
