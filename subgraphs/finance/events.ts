import type { DomainEvent } from '../../platform/outbox';
import { buildEvent } from '../contracts/event';
import {
  AccountCreated,
  BankTransactionRecorded,
  JournalEntriesImported,
  JournalEntryPosted,
  JournalEntryReversed,
  PeriodClosed,
  ReconciliationCompleted,
} from '../contracts/finance';
import type { EntrySource } from './domain/types';
import type { AccountRow, BankTransactionRow, JournalEntryRow, ReconciliationRow } from './store/db';

/*
 * Finance's events from its rows; the payloads are the contracts in
 * subgraphs/contracts/finance.ts, built and checked by buildEvent.
 */

export function sourceOf(entry: JournalEntryRow): EntrySource {
  return { module: entry.source_module, reference: entry.source_reference };
}

export function accountCreated(account: AccountRow): DomainEvent {
  return buildEvent(AccountCreated, { accountId: account.id, code: account.code, type: account.type });
}

/** Tells e.g. payroll which entry its posting became (source.reference is the pay run id). */
export function journalEntryPosted(entry: JournalEntryRow): DomainEvent {
  return buildEvent(JournalEntryPosted, { entryId: entry.id, number: entry.number, date: entry.entry_date, source: sourceOf(entry) });
}

/** One event per imported batch: its numbers are contiguous per year, so ranges name every entry. */
export function journalEntriesImported(
  batchId: string,
  entryCount: number,
  lineCount: number,
  numbers: Array<{ year: number; from: string; to: string }>,
): DomainEvent {
  return buildEvent(JournalEntriesImported, { batchId, entryCount, lineCount, numbers });
}

export function journalEntryReversed(original: JournalEntryRow, reversal: JournalEntryRow): DomainEvent {
  return buildEvent(JournalEntryReversed, {
    entryId: original.id,
    number: original.number,
    reversalId: reversal.id,
    reversalNumber: reversal.number,
    date: reversal.entry_date,
  });
}

export function periodClosed(through: string): DomainEvent {
  return buildEvent(PeriodClosed, { through });
}

export function bankTransactionRecorded(transaction: BankTransactionRow): DomainEvent {
  return buildEvent(BankTransactionRecorded, {
    transactionId: transaction.id,
    accountId: transaction.account_id,
    entryId: transaction.journal_entry_id,
    date: transaction.txn_date,
    amount: transaction.amount,
  });
}

export function reconciliationCompleted(reconciliation: ReconciliationRow): DomainEvent {
  return buildEvent(ReconciliationCompleted, {
    reconciliationId: reconciliation.id,
    accountId: reconciliation.account_id,
    statementDate: reconciliation.statement_date,
    statementBalance: reconciliation.statement_balance,
  });
}
