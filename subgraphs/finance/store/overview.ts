import { sql } from 'kysely';
import type { AccountLedger } from '../domain/overview';
import type { AccountType } from '../domain/types';
import type { FinanceExecutor } from './db';

export interface LedgerCounts {
  accounts: number;
  journalEntries: number;
  unreconciledTransactions: number;
}

/**
 * The finance block's counts in one statement. Journal entries are the sum of
 * the per-year numbering counters: numbers are gap-free (a rolled-back posting
 * gives its numbers back) and entries are never deleted, so the sum is the
 * number of entries, without counting hundreds of thousands of rows.
 */
export async function ledgerCounts(db: FinanceExecutor): Promise<LedgerCounts> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('finance.account').select(eb.fn.countAll<string>().as('n')).as('accounts'),
      eb
        .selectFrom('finance.entry_number_counter')
        .select(sql<string>`coalesce(sum(last_value), 0)`.as('n'))
        .as('journal_entries'),
      eb.selectFrom('finance.bank_transaction').select(eb.fn.countAll<string>().as('n')).where('status', '=', 'UNRECONCILED').as('unreconciled'),
    ])
    .executeTakeFirstOrThrow();
  return { accounts: Number(row.accounts), journalEntries: Number(row.journal_entries), unreconciledTransactions: Number(row.unreconciled) };
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
 * of those dated from `yearStart`, summed from the daily balances (one row per
 * account and day with activity, however many lines), plus whether it holds
 * bank transactions (one index probe per account).
 */
export async function accountLedgers(db: FinanceExecutor, yearStart: string, today: string): Promise<AccountLedger[]> {
  const { rows } = await sql<AccountLedgerRow>`
    SELECT a.id, a.code, a.type, a.parent_id, a.is_cash, a.is_bank,
           -- Ordered like bank_transaction_by_account with LIMIT 1, so it is one index probe even when one
           -- account holds nearly every transaction (an EXISTS was planned as a scan of the whole table).
           (SELECT true FROM finance.bank_transaction t WHERE t.account_id = a.id ORDER BY t.account_id, t.txn_date DESC, t.id LIMIT 1) IS NOT NULL AS has_bank_transactions,
           coalesce(b.net, 0) AS net, coalesce(b.net_year_to_date, 0) AS net_year_to_date
    FROM finance.account a
    LEFT JOIN (
      SELECT account_id, sum(debit_total - credit_total) AS net,
             sum(debit_total - credit_total) FILTER (WHERE day >= ${yearStart}::date) AS net_year_to_date
      FROM finance.account_daily_balance
      WHERE day <= ${today}::date
      GROUP BY account_id
    ) b ON b.account_id = a.id
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
