import { sql, type Kysely } from 'kysely';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import { registerCounts } from '../../subgraphs/assets/store/overview';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { employeesOverviewFigures } from '../../subgraphs/employees/store/overview';
import type { FinanceDB } from '../../subgraphs/finance/store/db';
import { accountLedgers, ledgerCounts } from '../../subgraphs/finance/store/overview';
import type { PayrollDB } from '../../subgraphs/payroll/store/db';
import { lastPayRunPaid, payRunFigures } from '../../subgraphs/payroll/store/overview';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The overview reads tallies, not the modules' rows: employees per status and
// hire day, departments, open custody periods, bank transactions per account
// and status, balances per account and year, pay runs per status and the
// payslips of each run whose employee is still ACTIVE. Triggers keep them in
// the writing transaction. After every kind of write (insert, update, delete,
// in bulk and one by one) the figures read from the tallies must equal what a
// count over the rows gives.

let database: TestDatabase;
let db: Kysely<unknown>;

beforeAll(async () => {
  database = await createTestDatabase();
  const company = await createCompany(database, { name: 'Overview Tallies', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
  db = company.openTenantDb<unknown>();
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const one = async <T>(query: ReturnType<typeof sql<T>>): Promise<T> => (await query.execute(db)).rows[0]!;

describe('employees', () => {
  const from = '2026-11-07';
  const to = '2026-12-06';
  async function expectExact(): Promise<void> {
    const scanned = await one(sql<{ active: string; hires: string; departments: string }>`
      SELECT (SELECT count(*) FROM employees.employee WHERE status = 'ACTIVE') AS active,
             (SELECT count(*) FROM employees.employee WHERE hire_date BETWEEN ${from}::date AND ${to}::date) AS hires,
             (SELECT count(*) FROM employees.department) AS departments`);
    expect(await employeesOverviewFigures(db as Kysely<EmployeesDB>, from, to)).toEqual({
      activeHeadcount: Number(scanned.active),
      newHiresLast30Days: Number(scanned.hires),
      departments: Number(scanned.departments),
    });
  }

  it('counts active employees, hires of the window and departments after every kind of write', async () => {
    await expectExact();
    await sql`INSERT INTO employees.department (id, name) SELECT md5('d' || i)::uuid, 'Dept ' || i FROM generate_series(1, 3) i`.execute(db);
    await sql`
      INSERT INTO employees.employee (id, employee_number, first_name, last_name, email, hire_date, status, termination_date, department_id)
      SELECT md5('e' || i)::uuid, 'E-' || i, 'F' || i, 'L' || i, 'e' || i || '@tally.example', date '2026-10-01' + i * 3,
             CASE WHEN i % 5 = 0 THEN 'TERMINATED' WHEN i % 7 = 0 THEN 'ON_LEAVE' ELSE 'ACTIVE' END,
             CASE WHEN i % 5 = 0 THEN date '2026-10-01' + i * 3 + 1 END, md5('d' || (i % 3 + 1))::uuid
      FROM generate_series(1, 30) i`.execute(db);
    await expectExact();
    // A hire date moved into and out of the window, a status change, one by one and in bulk.
    await sql`UPDATE employees.employee SET hire_date = date '2026-12-01' WHERE employee_number = 'E-1'`.execute(db);
    await sql`UPDATE employees.employee SET hire_date = date '2026-01-01' WHERE employee_number IN ('E-25', 'E-26')`.execute(db);
    await sql`UPDATE employees.employee SET status = 'ON_LEAVE' WHERE employee_number IN ('E-2', 'E-3')`.execute(db);
    await sql`UPDATE employees.employee SET first_name = first_name || '!'`.execute(db);
    await expectExact();
    await sql`DELETE FROM employees.employee WHERE employee_number IN ('E-4', 'E-28')`.execute(db);
    await sql`UPDATE employees.employee SET department_id = NULL WHERE department_id = md5('d3')::uuid`.execute(db);
    await sql`DELETE FROM employees.department WHERE id = md5('d3')::uuid`.execute(db);
    await expectExact();
  });
});

describe('assets', () => {
  async function expectExact(): Promise<void> {
    const scanned = await one(sql<{ held: string }>`SELECT count(*) AS held FROM assets.assignment WHERE returned_on IS NULL`);
    expect((await registerCounts(db as Kysely<AssetsDB>)).held).toBe(Number(scanned.held));
  }

  it('counts the open custody periods after every kind of write', async () => {
    await sql`INSERT INTO assets.category (id, name) VALUES (md5('c')::uuid, 'Things')`.execute(db);
    await sql`INSERT INTO assets.employee_projection (employee_id, status, updated_at) VALUES ('e-1', 'ACTIVE', now())`.execute(db);
    await sql`
      INSERT INTO assets.asset (id, tag, name, category_id, currency, acquisition_date, acquisition_cost, salvage_value, useful_life_months, depreciation_method)
      SELECT md5('a' || i)::uuid, 'T-' || i, 'Asset ' || i, md5('c')::uuid, 'EUR', '2026-01-01', 100, 0, 12, 'STRAIGHT_LINE' FROM generate_series(1, 6) i`.execute(
      db,
    );
    await sql`
      INSERT INTO assets.assignment (asset_id, employee_id, assigned_on, returned_on)
      SELECT md5('a' || i)::uuid, 'e-1', '2026-02-01', CASE WHEN i = 6 THEN date '2026-03-01' END FROM generate_series(1, 6) i`.execute(db);
    await expectExact();
    await sql`UPDATE assets.assignment SET returned_on = '2026-04-01' WHERE asset_id IN (md5('a1')::uuid, md5('a2')::uuid)`.execute(db);
    await sql`UPDATE assets.assignment SET assigned_on = '2026-02-02' WHERE asset_id = md5('a3')::uuid`.execute(db);
    await expectExact();
    await sql`DELETE FROM assets.assignment WHERE asset_id IN (md5('a4')::uuid, md5('a6')::uuid)`.execute(db);
    await expectExact();
  });
});

describe('finance', () => {
  const today = '2026-12-06';
  async function expectExact(): Promise<void> {
    const { rows } = await sql<{ code: string; net: string; net_ytd: string; has_bank: boolean }>`
      SELECT a.code,
             coalesce((SELECT sum(debit - credit) FROM finance.journal_line l WHERE l.account_id = a.id AND l.entry_date <= ${today}::date), 0)::text AS net,
             coalesce((SELECT sum(debit - credit) FROM finance.journal_line l
                       WHERE l.account_id = a.id AND l.entry_date BETWEEN date '2026-01-01' AND ${today}::date), 0)::text AS net_ytd,
             EXISTS (SELECT 1 FROM finance.bank_transaction t WHERE t.account_id = a.id) AS has_bank
      FROM finance.account a ORDER BY a.code`.execute(db);
    const ledgers = await accountLedgers(db as Kysely<FinanceDB>, today);
    const numeric = (x: string) => Number(x).toFixed(2);
    expect(ledgers.map((l) => ({ code: l.code, net: numeric(l.net), netYtd: numeric(l.netYearToDate), hasBank: l.hasBankTransactions }))).toEqual(
      rows.map((r) => ({ code: r.code, net: numeric(r.net), netYtd: numeric(r.net_ytd), hasBank: r.has_bank })),
    );
    const unreconciled = await one(sql<{ n: string }>`SELECT count(*) AS n FROM finance.bank_transaction WHERE status = 'UNRECONCILED'`);
    expect((await ledgerCounts(db as Kysely<FinanceDB>)).unreconciledTransactions).toBe(Number(unreconciled.n));
  }

  /** Entries of two lines (debit one account, credit another), one per date, each in its own transaction as the ledger demands. */
  async function post(dates: string[], debit: string, credit: string, amount: number): Promise<void> {
    for (const date of dates) {
      await db.transaction().execute(async (trx) => {
        const year = Number(date.slice(0, 4));
        const { rows } = await sql<{ seq: number }>`
          INSERT INTO finance.journal_entry (id, year, seq, number, entry_date, memo, currency, source_module)
          SELECT gen_random_uuid(), ${year}, s, 'JE-' || ${year} || '-' || lpad(s::text, 6, '0'), ${date}::date, 'Tally', 'EUR', 'finance'
          FROM (SELECT coalesce(max(seq), 0) + 1 AS s FROM finance.journal_entry WHERE year = ${year}) n
          RETURNING seq`.execute(trx);
        await sql`
          INSERT INTO finance.journal_line (entry_id, line_no, account_id, entry_date, debit, credit)
          SELECT e.id, l.no, a.id, e.entry_date, CASE WHEN l.no = 1 THEN ${amount}::numeric ELSE 0 END, CASE WHEN l.no = 2 THEN ${amount}::numeric ELSE 0 END
          FROM finance.journal_entry e
          CROSS JOIN (VALUES (1, ${debit}), (2, ${credit})) AS l (no, code) JOIN finance.account a ON a.code = l.code
          WHERE e.year = ${year} AND e.seq = ${rows[0]!.seq}`.execute(trx);
      });
    }
  }

  it('sums balances to today and of the year, and counts bank transactions, after every kind of write', async () => {
    await expectExact();
    // Last year, this year, today, and after today (this year and next): only what is dated up to today counts.
    await post(['2025-06-30', '2026-01-01', '2026-07-15', today, '2026-12-24', '2027-01-05'], '1100', '4000', 125.5);
    await post(['2026-03-01', '2026-12-07'], '6000', '1100', 40.25);
    await expectExact();
    // A bank transaction belongs to one entry: ten more, then one transaction per entry on 1000 or 1100.
    await post(
      ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09', '2026-11-10'],
      '1000',
      '4000',
      9,
    );
    await sql`
      INSERT INTO finance.bank_transaction (account_id, journal_entry_id, txn_date, amount, description, status)
      SELECT a.id, e.id, e.entry_date, 10 + e.n, 'Line ' || e.n, CASE WHEN e.n % 3 = 0 THEN 'RECONCILED' ELSE 'UNRECONCILED' END
      FROM (SELECT id, entry_date, row_number() OVER (ORDER BY year, seq) AS n FROM finance.journal_entry) e
      JOIN finance.account a ON a.code = CASE WHEN e.n % 2 = 0 THEN '1000' ELSE '1100' END`.execute(db);
    await expectExact();
    await sql`UPDATE finance.bank_transaction SET status = 'RECONCILED' WHERE amount < 14`.execute(db);
    await sql`UPDATE finance.bank_transaction SET description = description || '.'`.execute(db);
    await expectExact();
    await sql`DELETE FROM finance.bank_transaction WHERE account_id = (SELECT id FROM finance.account WHERE code = '1000')`.execute(db);
    await expectExact();
  });
});

describe('payroll', () => {
  async function expectExact(): Promise<void> {
    const scanned = await one(sql<{ runs: string; paid: number | null; active: string | null }>`
      SELECT (SELECT count(*) FROM payroll.pay_run WHERE status <> 'CANCELLED') AS runs, r.payslip_count AS paid,
             (SELECT count(*) FROM payroll.payslip p JOIN payroll.employee_projection e ON e.employee_id = p.employee_id
              WHERE p.pay_run_id = r.id AND e.status = 'ACTIVE') AS active
      FROM (SELECT 1) x
      LEFT JOIN (SELECT id, payslip_count FROM payroll.pay_run WHERE status <> 'CANCELLED' ORDER BY period_end DESC, created_at DESC, id DESC LIMIT 1) r ON true`);
    expect((await payRunFigures(db as Kysely<PayrollDB>)).payRuns).toBe(Number(scanned.runs));
    expect(await lastPayRunPaid(db as Kysely<PayrollDB>)).toEqual({ paid: scanned.paid ?? 0, paidStillActive: Number(scanned.active ?? 0) });
  }

  async function run(month: number, status: string): Promise<void> {
    const start = `2026-${String(month).padStart(2, '0')}-01`;
    await sql`
      INSERT INTO payroll.pay_run (id, period_start, period_end, pay_date, status, currency, payslip_count, gross, deductions, net, employer_cost, terms,
                                   calculated_at, approved_at, posted_at, cancelled_at)
      SELECT md5('run-' || ${month})::uuid, ${start}::date, (${start}::date + interval '1 month' - interval '1 day')::date, (${start}::date + interval '1 month' - interval '1 day')::date,
             ${status}, 'EUR', 0, 0, 0, 0, 0, '{}'::jsonb, now(), now(),
             CASE WHEN ${status} = 'POSTED' THEN now() END, CASE WHEN ${status} = 'CANCELLED' THEN now() END`.execute(db);
    await sql`
      INSERT INTO payroll.payslip (id, pay_run_id, employee_id, employee_number, period_start, period_end, run_cancelled, currency, days_paid, gross, deductions, net, employer_cost)
      SELECT md5('slip-' || ${month} || '-' || i)::uuid, r.id, md5('emp-' || i)::uuid, 'E-' || i, r.period_start, r.period_end, ${status} = 'CANCELLED', 'EUR', 30, 100, 0, 100, 120
      FROM payroll.pay_run r CROSS JOIN generate_series(1, 8) i WHERE r.id = md5('run-' || ${month})::uuid AND i <> ${month}`.execute(db);
    await sql`UPDATE payroll.pay_run SET payslip_count = (SELECT count(*) FROM payroll.payslip WHERE pay_run_id = md5('run-' || ${month})::uuid) WHERE id = md5('run-' || ${month})::uuid`.execute(
      db,
    );
  }

  it('counts pay runs and the still-active employees the last run paid, after every kind of write', async () => {
    await expectExact();
    await sql`
      INSERT INTO payroll.employee_projection (employee_id, employee_number, full_name, status, status_since, status_as_of)
      SELECT md5('emp-' || i)::uuid, 'E-' || i, 'Emp ' || i, CASE WHEN i = 8 THEN 'ON_LEAVE' ELSE 'ACTIVE' END, '2026-01-01', now() FROM generate_series(1, 7) i`.execute(
      db,
    );
    await run(9, 'POSTED');
    await run(10, 'POSTED');
    await expectExact();
    // An employee the projection learns of after being paid, status events, a profile change.
    await sql`INSERT INTO payroll.employee_projection (employee_id, employee_number, full_name, status, status_since, status_as_of) VALUES (md5('emp-8')::uuid, 'E-8', 'Emp 8', 'ACTIVE', '2026-01-01', now())`.execute(
      db,
    );
    await sql`UPDATE payroll.employee_projection SET status = 'TERMINATED' WHERE employee_number IN ('E-1', 'E-2')`.execute(db);
    await sql`UPDATE payroll.employee_projection SET status = 'ACTIVE' WHERE employee_number = 'E-2'`.execute(db);
    await sql`UPDATE payroll.employee_projection SET full_name = full_name || '.'`.execute(db);
    await expectExact();
    // A new draft with payslips, recalculated (payslips deleted and written again), then cancelled.
    await run(11, 'DRAFT');
    await expectExact();
    await sql`DELETE FROM payroll.payslip WHERE pay_run_id = md5('run-11')::uuid AND employee_number IN ('E-3', 'E-4')`.execute(db);
    await expectExact();
    await sql`UPDATE payroll.payslip SET run_cancelled = true WHERE pay_run_id = md5('run-11')::uuid`.execute(db);
    await sql`UPDATE payroll.pay_run SET status = 'CANCELLED', cancelled_at = now() WHERE id = md5('run-11')::uuid`.execute(db);
    await expectExact();
    await sql`DELETE FROM payroll.employee_projection WHERE employee_number = 'E-5'`.execute(db);
    await expectExact();
  });
});
