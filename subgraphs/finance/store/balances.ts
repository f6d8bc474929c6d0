import type { FinanceExecutor } from './db';

export interface Totals {
  accountId: string;
  debitTotal: string;
  creditTotal: string;
}

/**
 * Σ debits and credits per account up to and including a day (everything when
 * asOf is null), summed from the daily balances: at most one row per account
 * and day with activity, whatever the number of lines.
 */
export async function accountTotals(db: FinanceExecutor, accountIds: readonly string[] | null, asOf: string | null): Promise<Totals[]> {
  let query = db
    .selectFrom('finance.account_daily_balance')
    .select((eb) => ['account_id', eb.fn.sum<string>('debit_total').as('debit_total'), eb.fn.sum<string>('credit_total').as('credit_total')])
    .groupBy('account_id');
  if (accountIds) {
    if (accountIds.length === 0) return [];
    query = query.where('account_id', 'in', [...accountIds]);
  }
  if (asOf) query = query.where('day', '<=', asOf);
  const rows = await query.execute();
  return rows.map((r) => ({ accountId: r.account_id, debitTotal: r.debit_total, creditTotal: r.credit_total }));
}

/** Every account's totals up to a day, in account-code order (the trial balance's order). */
export async function trialBalanceTotals(db: FinanceExecutor, asOf: string | null): Promise<Totals[]> {
  let query = db
    .selectFrom('finance.account_daily_balance as b')
    .innerJoin('finance.account as a', 'a.id', 'b.account_id')
    .select((eb) => ['b.account_id', eb.fn.sum<string>('b.debit_total').as('debit_total'), eb.fn.sum<string>('b.credit_total').as('credit_total')])
    .groupBy(['b.account_id', 'a.code'])
    .orderBy('a.code');
  if (asOf) query = query.where('b.day', '<=', asOf);
  const rows = await query.execute();
  return rows.map((r) => ({ accountId: r.account_id, debitTotal: r.debit_total, creditTotal: r.credit_total }));
}
