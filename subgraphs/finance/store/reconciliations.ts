import type { FinanceExecutor, NewReconciliation, ReconciliationRow } from './db';
import { isUuid, onlyUuids } from '../../../platform/ids';

/** The new reconciliation, or null when the account already has one in progress (the partial unique index decides). */
export async function insertReconciliation(db: FinanceExecutor, row: NewReconciliation): Promise<ReconciliationRow | null> {
  const inserted = await db
    .insertInto('finance.reconciliation')
    .values(row)
    .onConflict((oc) => oc.column('account_id').where('status', '=', 'IN_PROGRESS').doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? null;
}

export async function findReconciliationsByIds(db: FinanceExecutor, ids: readonly string[]): Promise<ReconciliationRow[]> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.reconciliation').selectAll().where('id', 'in', valid).execute();
}

export function lockReconciliation(db: FinanceExecutor, id: string): Promise<ReconciliationRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('finance.reconciliation').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The account's latest completed statement: where the next one opens. */
export function lastCompletedReconciliation(db: FinanceExecutor, accountId: string): Promise<ReconciliationRow | undefined> {
  return db
    .selectFrom('finance.reconciliation')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', '=', 'COMPLETED')
    .orderBy('statement_date', 'desc')
    .orderBy('completed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Matches transactions to a statement; returns the ids actually matched (a transaction matched before is skipped, never matched twice). */
export async function insertMatches(db: FinanceExecutor, reconciliationId: string, transactionIds: readonly string[]): Promise<string[]> {
  if (transactionIds.length === 0) return [];
  const rows = await db
    .insertInto('finance.reconciliation_match')
    .values(transactionIds.map((id) => ({ bank_transaction_id: id, reconciliation_id: reconciliationId })))
    .onConflict((oc) => oc.column('bank_transaction_id').doNothing())
    .returning('bank_transaction_id')
    .execute();
  return rows.map((r) => r.bank_transaction_id);
}

export async function matchedAmounts(db: FinanceExecutor, reconciliationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('finance.reconciliation_match as m')
    .innerJoin('finance.bank_transaction as t', 't.id', 'm.bank_transaction_id')
    .select('t.amount')
    .where('m.reconciliation_id', '=', reconciliationId)
    .execute();
  return rows.map((r) => r.amount);
}

export function markCompleted(db: FinanceExecutor, id: string): Promise<ReconciliationRow> {
  return db
    .updateTable('finance.reconciliation')
    .set({ status: 'COMPLETED', completed_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
