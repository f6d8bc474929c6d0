import { z } from 'zod';
import { defineEvent } from './event';
import { decimalAmount, isoDate, uuid } from './primitives';

/*
 * What finance announces. Payloads stay small: ids, numbers and dates; a
 * consumer that needs more asks finance through the supergraph.
 */

/** Where an entry came from: `finance` for entries made there, else the posting module and its reference. */
export const EntrySource = z.object({ module: z.string(), reference: z.string().nullable() });

export const AccountCreated = defineEvent({
  type: 'AccountCreated',
  source: 'FINANCE',
  aggregateType: 'Account',
  aggregateIdOf: (p) => p.accountId,
  payload: z.object({ accountId: uuid, code: z.string(), type: z.enum(['ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE']) }),
});

/** An entry was booked; payroll learns from it which entry its pay run's posting became. */
export const JournalEntryPosted = defineEvent({
  type: 'JournalEntryPosted',
  source: 'FINANCE',
  aggregateType: 'JournalEntry',
  aggregateIdOf: (p) => p.entryId,
  payload: z.object({ entryId: uuid, number: z.string(), date: isoDate, source: EntrySource }),
});

/** A batch of imported entries; their numbers are contiguous per year, so the ranges name every entry. */
export const JournalEntriesImported = defineEvent({
  type: 'JournalEntriesImported',
  source: 'FINANCE',
  aggregateType: 'JournalBatch',
  aggregateIdOf: (p) => p.batchId,
  payload: z.object({
    batchId: uuid,
    entryCount: z.number().int().positive(),
    lineCount: z.number().int().positive(),
    numbers: z.array(z.object({ year: z.number().int(), from: z.string(), to: z.string() })),
  }),
});

export const JournalEntryReversed = defineEvent({
  type: 'JournalEntryReversed',
  source: 'FINANCE',
  aggregateType: 'JournalEntry',
  aggregateIdOf: (p) => p.entryId,
  payload: z.object({ entryId: uuid, number: z.string(), reversalId: uuid, reversalNumber: z.string(), date: isoDate }),
});

/** The books are closed through a date (the ledger as a whole is the aggregate). */
export const PeriodClosed = defineEvent({
  type: 'PeriodClosed',
  source: 'FINANCE',
  aggregateType: 'Ledger',
  aggregateIdOf: () => 'ledger',
  payload: z.object({ through: isoDate }),
});

export const BankTransactionRecorded = defineEvent({
  type: 'BankTransactionRecorded',
  source: 'FINANCE',
  aggregateType: 'BankTransaction',
  aggregateIdOf: (p) => p.transactionId,
  payload: z.object({ transactionId: uuid, accountId: uuid, entryId: uuid, date: isoDate, amount: decimalAmount }),
});

export const ReconciliationCompleted = defineEvent({
  type: 'ReconciliationCompleted',
  source: 'FINANCE',
  aggregateType: 'Reconciliation',
  aggregateIdOf: (p) => p.reconciliationId,
  payload: z.object({ reconciliationId: uuid, accountId: uuid, statementDate: isoDate, statementBalance: decimalAmount }),
});
