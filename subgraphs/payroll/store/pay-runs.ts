import { sql } from 'kysely';
import type { CursorValues } from '../../kit/pagination';
import type { PayrollExecutor } from './db';
import type { NewPayRun, PayRunRow, PayRunUpdate } from './pay-run.table';

export function insertPayRun(db: PayrollExecutor, values: NewPayRun): Promise<PayRunRow> {
  return db.insertInto('payroll.pay_run').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The run, locked until the transaction ends so concurrent transitions of it queue up. */
export function lockPayRun(db: PayrollExecutor, id: string): Promise<PayRunRow | undefined> {
  return db.selectFrom('payroll.pay_run').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updatePayRun(db: PayrollExecutor, id: string, changes: PayRunUpdate): Promise<PayRunRow> {
  return db.updateTable('payroll.pay_run').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function findPayRunsByIds(db: PayrollExecutor, ids: readonly string[]): Promise<PayRunRow[]> {
  return db.selectFrom('payroll.pay_run').selectAll().where('id', 'in', ids).execute();
}

/** A page of runs, newest period first; `after` is the (period_start, id) of the last row seen. */
export function listPayRuns(db: PayrollExecutor, page: { after: CursorValues | null; limit: number }): Promise<PayRunRow[]> {
  let query = db.selectFrom('payroll.pay_run').selectAll();
  if (page.after) {
    const [periodStart, id] = page.after;
    query = query.where(sql<boolean>`(period_start, id) < (${String(periodStart)}::date, ${String(id)}::uuid)`);
  }
  return query.orderBy('period_start', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function countPayRuns(db: PayrollExecutor): Promise<number> {
  const row = await db
    .selectFrom('payroll.pay_run')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Records the journal entry finance booked for a posted run. Only the first one
 * counts: finance books exactly one per run, so a second would be a redelivery.
 */
export async function attachJournalEntry(db: PayrollExecutor, payRunId: string, entryId: string, number: string | null): Promise<boolean> {
  const result = await db
    .updateTable('payroll.pay_run')
    .set({ journal_entry_id: entryId, journal_entry_number: number })
    .where('id', '=', payRunId)
    .where('journal_entry_id', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
