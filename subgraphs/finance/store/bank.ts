import type { CursorValues } from '../../kit/pagination';
import type { BankTransactionStatus } from '../domain/types';
import type { BankTransactionRow, FinanceExecutor, NewBankTransaction } from './db';
import { onlyUuids } from '../../../platform/ids';

export function insertBankTransaction(db: FinanceExecutor, row: NewBankTransaction): Promise<BankTransactionRow> {
  return db.insertInto('finance.bank_transaction').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findBankTransactionsByIds(db: FinanceExecutor, ids: readonly string[]): Promise<BankTransactionRow[]> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.bank_transaction').selectAll().where('id', 'in', valid).execute();
}

/** Locks the transactions about to be matched, so a concurrent match of the same ones waits and then sees them taken. */
export async function lockBankTransactions(db: FinanceExecutor, ids: readonly string[]): Promise<BankTransactionRow[]> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.bank_transaction').selectAll().where('id', 'in', valid).orderBy('id').forUpdate().execute();
}

export interface BankTransactionFilter {
  accountId?: string | null;
  status?: BankTransactionStatus | null;
}

function filtered(db: FinanceExecutor, filter: BankTransactionFilter) {
  let query = db.selectFrom('finance.bank_transaction');
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query;
}

/** Newest first: by date, then id for a stable order within a day. */
export function listBankTransactions(
  db: FinanceExecutor,
  filter: BankTransactionFilter,
  after: CursorValues | null,
  limit: number,
): Promise<BankTransactionRow[]> {
  let query = filtered(db, filter).selectAll().orderBy('txn_date', 'desc').orderBy('id', 'desc').limit(limit);
  if (after) query = query.where((eb) => eb(eb.refTuple('txn_date', 'id'), '<', eb.tuple(String(after[0]), String(after[1]))));
  return query.execute();
}

export async function countBankTransactions(db: FinanceExecutor, filter: BankTransactionFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Transactions matched to the given reconciliations, with the reconciliation they belong to. */
export async function findMatchedTransactions(
  db: FinanceExecutor,
  reconciliationIds: readonly string[],
): Promise<Array<BankTransactionRow & { reconciliation_id: string }>> {
  const valid = onlyUuids(reconciliationIds);
  if (valid.length === 0) return [];
  return db
    .selectFrom('finance.reconciliation_match as m')
    .innerJoin('finance.bank_transaction as t', 't.id', 'm.bank_transaction_id')
    .selectAll('t')
    .select('m.reconciliation_id')
    .where('m.reconciliation_id', 'in', valid)
    .orderBy('t.txn_date')
    .orderBy('t.id')
    .execute();
}

/** Which reconciliation each transaction was matched to, if any. */
export async function findMatchesOfTransactions(
  db: FinanceExecutor,
  transactionIds: readonly string[],
): Promise<Array<{ bank_transaction_id: string; reconciliation_id: string }>> {
  const valid = onlyUuids(transactionIds);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.reconciliation_match').select(['bank_transaction_id', 'reconciliation_id']).where('bank_transaction_id', 'in', valid).execute();
}

export async function markReconciled(db: FinanceExecutor, reconciliationId: string): Promise<void> {
  await db
    .updateTable('finance.bank_transaction')
    .set({ status: 'RECONCILED' })
    .where('id', 'in', (eb) => eb.selectFrom('finance.reconciliation_match').select('bank_transaction_id').where('reconciliation_id', '=', reconciliationId))
    .execute();
}
