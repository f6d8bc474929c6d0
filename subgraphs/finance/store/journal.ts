import { sql } from 'kysely';
import type { CursorValues } from '../../kit/pagination';
import type { EntryStatus } from '../domain/types';
import { JOURNAL_ENTRY_COLUMNS, type FinanceExecutor, type JournalEntryRow, type JournalLineRow } from './db';
import { onlyUuids } from '../../../platform/ids';

export interface EntryToInsert {
  id: string;
  year: number;
  seq: number;
  number: string;
  entry_date: string;
  memo: string | null;
  currency: string;
  reversal_of: string | null;
  source_module: string;
  source_reference: string | null;
  posted_by: string | null;
}

export type LineToInsert = JournalLineRow;

/**
 * Advances each year's counter by the batch's count in one statement, years in
 * ascending order (so concurrent batches lock counters in the same order), and
 * returns each year's new last value. The row locks hold until commit: that is
 * what keeps numbers gap-free.
 */
export async function advanceEntryCounters(db: FinanceExecutor, counts: ReadonlyArray<{ year: number; count: number }>): Promise<Map<number, number>> {
  if (counts.length === 0) return new Map();
  const rows = await db
    .insertInto('finance.entry_number_counter')
    .values(counts.map((c) => ({ year: c.year, last_value: c.count })))
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_value: sql`finance.entry_number_counter.last_value + excluded.last_value` }))
    .returning(['year', 'last_value'])
    .execute();
  return new Map(rows.map((r) => [r.year, r.last_value]));
}

/** Inserts entry headers in one statement however many there are (arrays unnested server-side). */
export async function insertEntries(db: FinanceExecutor, entries: readonly EntryToInsert[]): Promise<JournalEntryRow[]> {
  if (entries.length === 0) return [];
  const col = <K extends keyof EntryToInsert>(key: K) => entries.map((e) => e[key]);
  const { rows } = await sql<JournalEntryRow>`
    INSERT INTO finance.journal_entry (id, year, seq, number, entry_date, memo, currency, reversal_of, source_module, source_reference, posted_by)
    SELECT * FROM unnest(
      ${col('id')}::uuid[], ${col('year')}::int[], ${col('seq')}::int[], ${col('number')}::text[], ${col('entry_date')}::date[],
      ${col('memo')}::text[], ${col('currency')}::text[], ${col('reversal_of')}::uuid[], ${col('source_module')}::text[], ${col('source_reference')}::text[],
      ${col('posted_by')}::text[])
    RETURNING ${sql.join(JOURNAL_ENTRY_COLUMNS.map((c) => sql.ref(c)))}`.execute(db);
  return rows;
}

/** Inserts every line of a batch in one statement; the database's line trigger then rolls them into daily balances. */
export async function insertLines(db: FinanceExecutor, lines: readonly LineToInsert[]): Promise<void> {
  if (lines.length === 0) return;
  const col = <K extends keyof LineToInsert>(key: K) => lines.map((l) => l[key]);
  await sql`
    INSERT INTO finance.journal_line (entry_id, line_no, account_id, entry_date, debit, credit, description)
    SELECT * FROM unnest(
      ${col('entry_id')}::uuid[], ${col('line_no')}::smallint[], ${col('account_id')}::uuid[], ${col('entry_date')}::date[],
      ${col('debit')}::numeric[], ${col('credit')}::numeric[], ${col('description')}::text[])`.execute(db);
}

export async function findEntriesByIds(db: FinanceExecutor, ids: readonly string[]): Promise<JournalEntryRow[]> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.journal_entry').select(JOURNAL_ENTRY_COLUMNS).where('id', 'in', valid).execute();
}

/** The entries that reverse the given ones (at most one each). */
export async function findReversalsOf(db: FinanceExecutor, ids: readonly string[]): Promise<JournalEntryRow[]> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.journal_entry').select(JOURNAL_ENTRY_COLUMNS).where('reversal_of', 'in', valid).execute();
}

export function findEntryBySource(db: FinanceExecutor, module: string, reference: string): Promise<JournalEntryRow | undefined> {
  return db
    .selectFrom('finance.journal_entry')
    .select(JOURNAL_ENTRY_COLUMNS)
    .where('source_module', '=', module)
    .where('source_reference', '=', reference)
    .executeTakeFirst();
}

/** Locks an entry for the rest of the transaction (a reversal), so two reversals of it run one after the other. */
export function lockEntry(db: FinanceExecutor, id: string): Promise<JournalEntryRow | undefined> {
  return db.selectFrom('finance.journal_entry').select(JOURNAL_ENTRY_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markReversed(db: FinanceExecutor, id: string): Promise<JournalEntryRow> {
  return db
    .updateTable('finance.journal_entry')
    .set({ status: 'REVERSED' })
    .where('id', '=', id)
    .where('status', '=', 'POSTED')
    .returning(JOURNAL_ENTRY_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findLinesByEntryIds(db: FinanceExecutor, entryIds: readonly string[]): Promise<JournalLineRow[]> {
  const valid = onlyUuids(entryIds);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.journal_line').selectAll().where('entry_id', 'in', valid).orderBy('entry_id').orderBy('line_no').execute();
}

export interface JournalFilter {
  status?: EntryStatus | null;
  sourceModule?: string | null;
  dateFrom?: string | null;
  dateTo?: string | null;
}

function filtered(db: FinanceExecutor, filter: JournalFilter) {
  let query = db.selectFrom('finance.journal_entry');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.sourceModule) query = query.where('source_module', '=', filter.sourceModule);
  if (filter.dateFrom) query = query.where('entry_date', '>=', filter.dateFrom);
  if (filter.dateTo) query = query.where('entry_date', '<=', filter.dateTo);
  return query;
}

/** A page of the journal, newest first: by entry date, then number (date fixes the year, so (date, seq) is unique). */
export function listEntries(db: FinanceExecutor, filter: JournalFilter, after: CursorValues | null, limit: number): Promise<JournalEntryRow[]> {
  let query = filtered(db, filter).select(JOURNAL_ENTRY_COLUMNS).orderBy('entry_date', 'desc').orderBy('seq', 'desc').limit(limit);
  if (after) query = query.where((eb) => eb(eb.refTuple('entry_date', 'seq'), '<', eb.tuple(String(after[0]), Number(after[1]))));
  return query.execute();
}

export async function countEntries(db: FinanceExecutor, filter: JournalFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
