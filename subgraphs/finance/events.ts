import type { DomainEvent } from '../../platform/outbox';
import type { EntrySource } from './domain/types';
import type { AccountRow, BankTransactionRow, JournalEntryRow, ReconciliationRow } from './store/db';

/**
 * What finance tells the other modules. Payloads stay small: ids, numbers and
 * dates; a consumer that needs more asks finance through the supergraph.
 */
export const FinanceEvent = {
  AccountCreated: 'AccountCreated',
  JournalEntryPosted: 'JournalEntryPosted',
  JournalEntriesImported: 'JournalEntriesImported',
  JournalEntryReversed: 'JournalEntryReversed',
  PeriodClosed: 'PeriodClosed',
  BankTransactionRecorded: 'BankTransactionRecorded',
  ReconciliationCompleted: 'ReconciliationCompleted',
} as const;

export function sourceOf(entry: JournalEntryRow): EntrySource {
  return { module: entry.source_module, reference: entry.source_reference };
}

export function accountCreated(account: AccountRow): DomainEvent {
  return { type: FinanceEvent.AccountCreated, aggregateType: 'Account', aggregateId: account.id, payload: { accountId: account.id, code: account.code, type: account.type } };
}

/** Tells e.g. payroll which entry its posting became (source.reference is the pay run id). */
export function journalEntryPosted(entry: JournalEntryRow): DomainEvent {
  return {
    type: FinanceEvent.JournalEntryPosted,
    aggregateType: 'JournalEntry',
    aggregateId: entry.id,
    payload: { entryId: entry.id, number: entry.number, date: entry.entry_date, source: sourceOf(entry) },
  };
}

/** One event per imported batch: its numbers are contiguous per year, so ranges name every entry. */
export function journalEntriesImported(batchId: string, entryCount: number, lineCount: number, numbers: Array<{ year: number; from: string; to: string }>): DomainEvent {
  return { type: FinanceEvent.JournalEntriesImported, aggregateType: 'JournalBatch', aggregateId: batchId, payload: { entryCount, lineCount, numbers } };
}

export function journalEntryReversed(original: JournalEntryRow, reversal: JournalEntryRow): DomainEvent {
  return {
    type: FinanceEvent.JournalEntryReversed,
    aggregateType: 'JournalEntry',
    aggregateId: original.id,
    payload: { entryId: original.id, number: original.number, reversalId: reversal.id, reversalNumber: reversal.number, date: reversal.entry_date },
  };
}

export function periodClosed(through: string): DomainEvent {
  return { type: FinanceEvent.PeriodClosed, aggregateType: 'Ledger', aggregateId: 'ledger', payload: { through } };
}

export function bankTransactionRecorded(transaction: BankTransactionRow): DomainEvent {
  return {
    type: FinanceEvent.BankTransactionRecorded,
    aggregateType: 'BankTransaction',
    aggregateId: transaction.id,
    payload: { transactionId: transaction.id, accountId: transaction.account_id, entryId: transaction.journal_entry_id, date: transaction.txn_date, amount: transaction.amount },
  };
}

export function reconciliationCompleted(reconciliation: ReconciliationRow): DomainEvent {
  return {
    type: FinanceEvent.ReconciliationCompleted,
    aggregateType: 'Reconciliation',
    aggregateId: reconciliation.id,
    payload: { reconciliationId: reconciliation.id, accountId: reconciliation.account_id, statementDate: reconciliation.statement_date, statementBalance: reconciliation.statement_balance },
  };
}
