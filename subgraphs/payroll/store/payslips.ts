import { sql, type SelectQueryBuilder } from 'kysely';
import { ownEmployeeOnly } from '../../kit/row-scope';
import type { RowScope } from '../../../platform/permissions';
import type { LineSum } from '../domain/posting';
import type { PayrollDB, PayrollExecutor } from './db';
import type { NewPayslipLine, PayslipLineRow } from './payslip-line.table';
import type { NewPayslip, PayslipRow } from './payslip.table';

/**
 * Rows per INSERT. Each statement sends one array per column and unnests it
 * (one bind parameter per column instead of per value): at 10,000 payslips and
 * 40,000 lines this is a third faster than multi-row VALUES, and no statement
 * comes near the protocol's 65,535-parameter limit.
 */
const PAYSLIPS_PER_INSERT = 5_000;
const LINES_PER_INSERT = 20_000;

function column<T, K extends keyof T>(rows: readonly T[], key: K): Array<T[K]> {
  return rows.map((row) => row[key]);
}

async function insertInChunks<T>(rows: readonly T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

export async function insertPayslips(db: PayrollExecutor, payslips: readonly NewPayslip[], lines: readonly NewPayslipLine[]): Promise<void> {
  await insertInChunks(payslips, PAYSLIPS_PER_INSERT, (chunk) =>
    sql`
      INSERT INTO payroll.payslip (id, pay_run_id, employee_id, employee_number, period_start, period_end, run_cancelled, currency, days_paid, gross, deductions, net, employer_cost)
      SELECT * FROM unnest(
        ${column(chunk, 'id')}::uuid[], ${column(chunk, 'pay_run_id')}::uuid[], ${column(chunk, 'employee_id')}::uuid[], ${column(chunk, 'employee_number')}::text[],
        ${column(chunk, 'period_start')}::date[], ${column(chunk, 'period_end')}::date[], ${column(chunk, 'run_cancelled')}::boolean[], ${column(chunk, 'currency')}::text[],
        ${column(chunk, 'days_paid')}::int[], ${column(chunk, 'gross')}::numeric[], ${column(chunk, 'deductions')}::numeric[], ${column(chunk, 'net')}::numeric[],
        ${column(chunk, 'employer_cost')}::numeric[])`.execute(db),
  );
  await insertInChunks(lines, LINES_PER_INSERT, (chunk) =>
    sql`
      INSERT INTO payroll.payslip_line (payslip_id, position, kind, code, description, amount)
      SELECT * FROM unnest(
        ${column(chunk, 'payslip_id')}::uuid[], ${column(chunk, 'position')}::int[], ${column(chunk, 'kind')}::text[], ${column(chunk, 'code')}::text[],
        ${column(chunk, 'description')}::text[], ${column(chunk, 'amount')}::numeric[])`.execute(db),
  );
}

/** Clears a run's payslips before a recalculation: the lines in one joined statement, then the payslips. */
export async function deletePayslipsOfRun(db: PayrollExecutor, payRunId: string): Promise<void> {
  await sql`DELETE FROM payroll.payslip_line l USING payroll.payslip p WHERE l.payslip_id = p.id AND p.pay_run_id = ${payRunId}`.execute(db);
  await db.deleteFrom('payroll.payslip').where('pay_run_id', '=', payRunId).execute();
}

/** A cancelled run's payslips stop counting for the overlap rule. */
export async function markPayslipsCancelled(db: PayrollExecutor, payRunId: string): Promise<void> {
  await db.updateTable('payroll.payslip').set({ run_cancelled: true }).where('pay_run_id', '=', payRunId).execute();
}

/**
 * Only the payslips a row scope of 'payroll:payslips.read' reaches (null: all).
 * That is the scope's own employee's: payroll's employee projection has a
 * department id, but only the one announced at hire (no event tells payroll
 * of a move) and no department tree, so a department scope would reach the
 * wrong people; it reaches no payslip instead (kit/row-scope).
 */
function inScope<O>(query: SelectQueryBuilder<PayrollDB, 'payroll.payslip', O>, scope: RowScope | null) {
  return scope === null ? query : query.where(ownEmployeeOnly(scope, 'employee_id'));
}

export function findPayslipsByIds(db: PayrollExecutor, ids: readonly string[], scope: RowScope | null): Promise<PayslipRow[]> {
  return inScope(db.selectFrom('payroll.payslip').selectAll().where('id', 'in', ids), scope).execute();
}

export function findPayslipsOfRuns(db: PayrollExecutor, payRunIds: readonly string[], scope: RowScope | null): Promise<PayslipRow[]> {
  return inScope(db.selectFrom('payroll.payslip').selectAll().where('pay_run_id', 'in', payRunIds), scope)
    .orderBy('employee_number')
    .orderBy('id')
    .execute();
}

/**
 * Payslips of runs that are not cancelled, newest period first. The predicate
 * is written as the exclusion constraint's (NOT run_cancelled) so its GiST
 * index, which leads with employee_id, serves the lookup.
 */
export function findPayslipsOfEmployees(db: PayrollExecutor, employeeIds: readonly string[], scope: RowScope | null): Promise<PayslipRow[]> {
  return inScope(db.selectFrom('payroll.payslip').selectAll().where('employee_id', 'in', employeeIds), scope)
    .where(sql<boolean>`NOT run_cancelled`)
    .orderBy('period_start', 'desc')
    .orderBy('id')
    .execute();
}

export function findLinesOfPayslips(db: PayrollExecutor, payslipIds: readonly string[]): Promise<PayslipLineRow[]> {
  return db.selectFrom('payroll.payslip_line').selectAll().where('payslip_id', 'in', payslipIds).orderBy('payslip_id').orderBy('position').execute();
}

/** A run's lines summed by kind and code: what its journal entry is made of. */
export async function sumLinesOfRun(db: PayrollExecutor, payRunId: string): Promise<LineSum[]> {
  const rows = await db
    .selectFrom('payroll.payslip_line as l')
    .innerJoin('payroll.payslip as p', 'p.id', 'l.payslip_id')
    .select(['l.kind', 'l.code', (eb) => eb.fn.sum<string>('l.amount').as('amount')])
    .where('p.pay_run_id', '=', payRunId)
    .groupBy(['l.kind', 'l.code'])
    .orderBy('l.kind')
    .orderBy('l.code')
    .execute();
  return rows.map((r) => ({ kind: r.kind, code: r.code, amount: r.amount }));
}
