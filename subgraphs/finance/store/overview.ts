import { sql } from 'kysely';
import type { AccountLedger } from '../domain/overview';
import type { AccountType } from '../domain/types';
import type { FinanceExecutor } from './db';

export interface LedgerCounts {
  journalEntries: number;
  unreconciledTransactions: number;
}

/**
 * The finance block's counts in one statement of a few rows. Journal entries
 * are the sum of the per-year numbering counters: numbers are gap-free (a
 * rolled-back posting gives its numbers back) and entries are never deleted,
 * so the sum is the number of entries. Unreconciled transactions come from
 * the tally per account and status that triggers keep exact
 * (bank_transaction_tally). The accounts are counted from accountLedgers.
 */
export async function ledgerCounts(db: FinanceExecutor): Promise<LedgerCounts> {
  const { rows } = await sql<{ journal_entries: string; unreconciled: string }>`
    SELECT (SELECT coalesce(sum(last_value), 0) FROM finance.entry_number_counter) AS journal_entries,
           (SELECT coalesce(sum(transactions), 0) FROM finance.bank_transaction_tally WHERE status = 'UNRECONCILED') AS unreconciled`.execute(db);
  const row = rows[0]!;
  return { journalEntries: Number(row.journal_entries), unreconciledTransactions: Number(row.unreconciled) };
}

interface AccountLedgerRow {
  id: string;
  code: string;
  type: AccountType;
  parent_id: string | null;
  is_cash: boolean;
  is_bank: boolean;
  has_bank_transactions: boolean;
  net: string;
  net_year_to_date: string;
}

/**
 * Every account with Σ debit − Σ credit of its lines dated up to `today`, and
 * of those dated from 1 January of today's year, from the yearly balances (one
 * row per account and year) less the daily balances of the days after today
 * in this year (an index range per account, empty unless lines are dated in
 * the future), plus whether it holds bank transactions (the tally). Every
 * figure is kept exact by triggers in the transaction that writes the lines
 * or the transactions.
 */
export async function accountLedgers(db: FinanceExecutor, today: string): Promise<AccountLedger[]> {
  const year = Number(today.slice(0, 4));
  const { rows } = await sql<AccountLedgerRow>`
    SELECT a.id, a.code, a.type, a.parent_id, a.is_cash, a.is_bank,
           EXISTS (SELECT 1 FROM finance.bank_transaction_tally t WHERE t.account_id = a.id AND t.transactions > 0) AS has_bank_transactions,
           coalesce(y.net, 0) - coalesce(f.net, 0) AS net,
           coalesce(y.net_year_to_date, 0) - coalesce(f.net, 0) AS net_year_to_date
    FROM finance.account a
    LEFT JOIN (
      SELECT account_id, sum(debit_total - credit_total) AS net,
             sum(debit_total - credit_total) FILTER (WHERE year = ${year}::int) AS net_year_to_date
      FROM finance.account_year_balance
      WHERE year <= ${year}::int
      GROUP BY account_id
    ) y ON y.account_id = a.id
    LEFT JOIN LATERAL (
      SELECT sum(d.debit_total - d.credit_total) AS net
      FROM finance.account_daily_balance d
      WHERE d.account_id = a.id AND d.day > ${today}::date AND d.day < make_date(${year + 1}::int, 1, 1)
    ) f ON true
    ORDER BY a.code`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    type: r.type,
    parentId: r.parent_id,
    isCash: r.is_cash,
    isBank: r.is_bank,
    hasBankTransactions: r.has_bank_transactions,
    net: r.net,
    netYearToDate: r.net_year_to_date,
  }));
}
