import type { Transaction } from 'kysely';
import { failWith, type UserError } from '../../kit/errors';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { decimalPlaces, toAmount } from '../../kit/money';
import { isReconciled, reconciliationDifference } from '../domain/reconciliation';
import { reconciliationCompleted } from '../events';
import { findAccountsByCodes } from '../store/accounts';
import { findMatchesOfTransactions, lockBankTransactions, markReconciled } from '../store/bank';
import type { FinanceDB, ReconciliationRow } from '../store/db';
import { insertMatches, insertReconciliation, lastCompletedReconciliation, lockReconciliation, markCompleted, matchedAmounts } from '../store/reconciliations';
import { readSettings } from '../store/settings';
import { bankAccountProblem } from './bank';

export interface StartReconciliationInput {
  bankAccountCode: string;
  statementDate: string;
  statementBalance: string;
}

/**
 * Opens a bank statement for matching. It opens at the closing balance of the
 * account's previous completed statement (zero for the first); an account has
 * one statement in progress at a time.
 */
export async function startReconciliation(
  trx: Transaction<FinanceDB>,
  input: StartReconciliationInput,
  actor: Actor,
): Promise<{ reconciliation: ReconciliationRow }> {
  const [account] = await findAccountsByCodes(trx, [input.bankAccountCode]);
  const problem = bankAccountProblem(account, input.bankAccountCode, ['input', 'bankAccountCode']);
  if (problem) refuseInvalid([problem]);
  const { currency_decimals: decimals } = await readSettings(trx);
  if (decimalPlaces(input.statementBalance) > decimals) failWith(['input', 'statementBalance'], `Balances have at most ${decimals} decimals`, 'INVALID_AMOUNT');
  const previous = await lastCompletedReconciliation(trx, account!.id);
  if (previous && input.statementDate < previous.statement_date) {
    failWith(['input', 'statementDate'], `The previous statement of ${input.bankAccountCode} ends on ${previous.statement_date}`, 'STATEMENT_BEFORE_PREVIOUS');
  }
  const reconciliation = await insertReconciliation(trx, {
    account_id: account!.id,
    statement_date: input.statementDate,
    statement_balance: toAmount(input.statementBalance, decimals),
    opening_balance: previous?.statement_balance ?? toAmount(0, decimals),
  });
  if (!reconciliation)
    failWith(['input', 'bankAccountCode'], `${input.bankAccountCode} already has a reconciliation in progress`, 'RECONCILIATION_IN_PROGRESS');
  actor.audit({
    operation: 'startReconciliation',
    entity: 'reconciliation',
    entityId: reconciliation.id,
    after: {
      account: input.bankAccountCode,
      statementDate: reconciliation.statement_date,
      statementBalance: reconciliation.statement_balance,
      openingBalance: reconciliation.opening_balance,
    },
  });
  return { reconciliation };
}

async function openReconciliation(trx: Transaction<FinanceDB>, id: string): Promise<ReconciliationRow> {
  const reconciliation = await lockReconciliation(trx, id);
  if (!reconciliation) failWith(['input', 'reconciliationId'], `No reconciliation ${id}`, 'NOT_FOUND');
  if (reconciliation.status === 'COMPLETED') failWith(['input', 'reconciliationId'], 'This reconciliation is completed', 'RECONCILIATION_COMPLETED');
  return reconciliation;
}

/**
 * Matches bank transactions to a statement: transactions of the statement's
 * account, dated on or before it, never matched before. The database's key on
 * the transaction makes "never twice" hold under concurrency too.
 */
export async function matchTransactions(
  trx: Transaction<FinanceDB>,
  input: { reconciliationId: string; transactionIds: readonly string[] },
  actor: Actor,
): Promise<{ reconciliation: ReconciliationRow }> {
  const reconciliation = await openReconciliation(trx, input.reconciliationId);
  if (input.transactionIds.length === 0) failWith(['input', 'transactionIds'], 'Name at least one transaction to match', 'REQUIRED');
  const transactions = new Map((await lockBankTransactions(trx, input.transactionIds)).map((t) => [t.id, t]));
  const matchedBefore = new Set((await findMatchesOfTransactions(trx, input.transactionIds)).map((m) => m.bank_transaction_id));
  const errors: UserError[] = [];
  const seen = new Set<string>();
  input.transactionIds.forEach((id, i) => {
    const field = ['input', 'transactionIds', String(i)];
    const transaction = transactions.get(id);
    if (!transaction) errors.push({ field, message: `No bank transaction ${id}`, code: 'NOT_FOUND' });
    else if (matchedBefore.has(id) || seen.has(id)) errors.push({ field, message: `Transaction ${id} is already matched`, code: 'ALREADY_MATCHED' });
    else if (transaction.account_id !== reconciliation.account_id)
      errors.push({ field, message: `Transaction ${id} belongs to another account`, code: 'WRONG_BANK_ACCOUNT' });
    else if (transaction.txn_date > reconciliation.statement_date)
      errors.push({ field, message: `Transaction ${id} is dated after the statement (${reconciliation.statement_date})`, code: 'AFTER_STATEMENT_DATE' });
    seen.add(id);
  });
  refuseInvalid(errors);
  const matched = await insertMatches(trx, reconciliation.id, input.transactionIds);
  if (matched.length !== input.transactionIds.length)
    failWith(['input', 'transactionIds'], 'A transaction was matched by someone else meanwhile', 'ALREADY_MATCHED');
  actor.audit({ operation: 'matchTransactions', entity: 'reconciliation', entityId: reconciliation.id, after: { matched } });
  return { reconciliation };
}

/** Completes a statement when the matched transactions explain it to the cent; they become RECONCILED. */
export async function completeReconciliation(
  trx: Transaction<FinanceDB>,
  input: { reconciliationId: string },
  actor: Actor,
): Promise<{ reconciliation: ReconciliationRow }> {
  const reconciliation = await openReconciliation(trx, input.reconciliationId);
  const { currency_decimals: decimals } = await readSettings(trx);
  const difference = reconciliationDifference(
    reconciliation.statement_balance,
    reconciliation.opening_balance,
    await matchedAmounts(trx, reconciliation.id),
    decimals,
  );
  if (!isReconciled(difference)) {
    failWith(['input', 'reconciliationId'], `The statement differs from the matched transactions by ${difference}`, 'RECONCILIATION_DIFFERENCE');
  }
  const completed = await markCompleted(trx, reconciliation.id);
  await markReconciled(trx, reconciliation.id);
  actor.audit({
    operation: 'completeReconciliation',
    entity: 'reconciliation',
    entityId: completed.id,
    before: { status: reconciliation.status },
    after: { status: completed.status },
  });
  actor.publish(reconciliationCompleted(completed));
  return { reconciliation: completed };
}
