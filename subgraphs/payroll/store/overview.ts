import { sql } from 'kysely';
import type { CurrencySum } from '../domain/overview';
import type { PayrollTerms } from '../domain/terms';
import type { PayrollExecutor } from './db';
import type { PayRunRow } from './pay-run.table';

/** Pay runs that are not cancelled (from the status tally triggers keep exact), and the one with the latest period end (the latest created on a tie). */
export async function payRunFigures(db: PayrollExecutor): Promise<{ payRuns: number; lastPayRun: PayRunRow | null }> {
  const [count, last] = await Promise.all([
    sql<{ n: string }>`SELECT coalesce(sum(runs), 0) AS n FROM payroll.pay_run_status_count WHERE status <> 'CANCELLED'`.execute(db),
    lastPayRun(db),
  ]);
  return { payRuns: Number(count.rows[0]!.n), lastPayRun: last };
}

async function lastPayRun(db: PayrollExecutor): Promise<PayRunRow | null> {
  const row = await db
    .selectFrom('payroll.pay_run')
    .selectAll()
    .where('status', '<>', 'CANCELLED')
    .orderBy('period_end', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** Employer cost (gross + employer contributions) of POSTED runs per currency: all of them, and those paid in [from, to]. */
export async function postedPayrollCosts(db: PayrollExecutor, from: string, to: string): Promise<{ total: CurrencySum[]; inPeriod: CurrencySum[] }> {
  const rows = await db
    .selectFrom('payroll.pay_run')
    .select((eb) => [
      'currency',
      eb.fn.sum<string>('employer_cost').as('total'),
      sql<string | null>`sum(employer_cost) FILTER (WHERE pay_date BETWEEN ${from}::date AND ${to}::date)`.as('in_period'),
    ])
    .where('status', '=', 'POSTED')
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  return {
    total: rows.map((r) => ({ currency: r.currency, amount: r.total })),
    inPeriod: rows.filter((r) => r.in_period !== null).map((r) => ({ currency: r.currency, amount: r.in_period! })),
  };
}

/** The distinct terms POSTED runs were calculated (and so posted) with: a handful, terms change rarely. */
export async function postedRunTerms(db: PayrollExecutor): Promise<Array<Pick<PayrollTerms, 'accounts' | 'components'>>> {
  const rows = await db
    .selectFrom('payroll.pay_run')
    .select(
      sql<
        Pick<PayrollTerms, 'accounts' | 'components'>
      >`jsonb_build_object('accounts', terms->'accounts', 'components', coalesce(terms->'components', '[]'::jsonb))`.as('terms'),
    )
    .distinct()
    .where('status', '=', 'POSTED')
    .execute();
  return rows.map((r) => r.terms);
}

/**
 * Of the last pay run (as lastPayRun picks it): how many employees it paid,
 * and how many of them payroll's projection of the employees' events holds
 * ACTIVE, from the per-run tally triggers keep exact (pay_run_active_paid) —
 * one statement, two rows.
 */
export async function lastPayRunPaid(db: PayrollExecutor): Promise<{ paid: number; paidStillActive: number }> {
  const { rows } = await sql<{ paid: number; paid_still_active: string }>`
    SELECT r.payslip_count AS paid, coalesce((SELECT a.paid_active FROM payroll.pay_run_active_paid a WHERE a.pay_run_id = r.id), 0) AS paid_still_active
    FROM (SELECT id, payslip_count FROM payroll.pay_run WHERE status <> 'CANCELLED' ORDER BY period_end DESC, created_at DESC, id DESC LIMIT 1) r`.execute(db);
  const row = rows[0];
  return row ? { paid: row.paid, paidStillActive: Number(row.paid_still_active) } : { paid: 0, paidStillActive: 0 };
}
