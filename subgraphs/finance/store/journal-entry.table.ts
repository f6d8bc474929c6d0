import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EntryStatus } from '../domain/types';

/** finance.journal_entry: a posted entry's header. Immutable except POSTED → REVERSED. */
export interface JournalEntryTable {
  id: string;
  year: number;
  seq: number;
  number: string;
  entry_date: string;
  memo: string | null;
  currency: string;
  status: Generated<EntryStatus>;
  reversal_of: string | null;
  source_module: string;
  source_reference: string | null;
  /** Who posted it (kit/duties accountableParty); null for entries booked from events, and before it was recorded. */
  posted_by: string | null;
  /** Database-only: the transaction allowed to add lines. */
  created_txid: ColumnType<string, never, never>;
  created_at: ColumnType<Date, never, never>;
}
export type JournalEntryRow = Omit<Selectable<JournalEntryTable>, 'created_txid'>;
export type NewJournalEntry = Insertable<JournalEntryTable>;

/** Columns the application reads (never created_txid). */
export const JOURNAL_ENTRY_COLUMNS = [
  'id',
  'year',
  'seq',
  'number',
  'entry_date',
  'memo',
  'currency',
  'status',
  'reversal_of',
  'source_module',
  'source_reference',
  'posted_by',
  'created_at',
] as const satisfies ReadonlyArray<keyof JournalEntryRow>;
