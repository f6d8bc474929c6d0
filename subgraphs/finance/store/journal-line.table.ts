import type { Insertable, Selectable } from 'kysely';

/** finance.journal_line: one side of an entry. Append-only; amounts are numeric strings, the unused side is "0.00". */
export interface JournalLineTable {
  entry_id: string;
  line_no: number;
  account_id: string;
  entry_date: string;
  debit: string;
  credit: string;
  description: string | null;
}
export type JournalLineRow = Selectable<JournalLineTable>;
export type NewJournalLine = Insertable<JournalLineTable>;
