import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { failWith, type UserError } from '../../kit/errors';
import { refuseInvalid } from '../../kit/validation';
import { indexBy } from '../../kit/loaders';
import { validateEntry, type EntryDraft, type ValidEntry } from '../domain/journal';
import { assignNumbers, countByYear } from '../domain/numbering';
import type { EntrySource } from '../domain/types';
import { findAccountsByCodes } from '../store/accounts';
import type { AccountRow, FinanceDB, JournalEntryRow } from '../store/db';
import { isPeriodClosedError } from '../store/errors';
import { advanceEntryCounters, insertEntries, insertLines, type LineToInsert } from '../store/journal';
import { readSettingsForPosting } from '../store/settings';

/** An entry to post, with where it comes from and, for a reversal, what it reverses. */
export interface EntryToPost extends EntryDraft {
  source: EntrySource;
  reversalOf?: string | null;
}

export interface PostedBatch {
  entries: JournalEntryRow[];
  lineCount: number;
}

function validateAll(drafts: readonly EntryToPost[], pathOf: (index: number) => string[], rules: Parameters<typeof validateEntry>[2]): ValidEntry[] {
  const valid: ValidEntry[] = [];
  const errors: UserError[] = [];
  drafts.forEach((draft, i) => {
    const checked = validateEntry(draft, pathOf(i), rules);
    if (checked.entry) valid.push(checked.entry);
    errors.push(...checked.errors);
  });
  refuseInvalid(errors);
  return valid;
}

/**
 * Posts entries in the caller's transaction, all or none, in a fixed number of
 * statements whatever the batch size: settings (share-locked), the accounts
 * used, one counter upsert for all years, one INSERT of headers, one of lines.
 * Any rule broken anywhere in the batch is reported (with its field path from
 * `pathOf`) and nothing is written. `postedBy` is who posts them
 * (kit/duties accountableParty), null for entries booked from events.
 */
export async function postEntries(
  trx: Transaction<FinanceDB>,
  drafts: readonly EntryToPost[],
  pathOf: (index: number) => string[],
  postedBy: string | null,
): Promise<PostedBatch> {
  const settings = await readSettingsForPosting(trx);
  const codes = [...new Set(drafts.flatMap((d) => d.lines.map((l) => l.accountCode)))];
  const accounts: Map<string, AccountRow> = indexBy(await findAccountsByCodes(trx, codes), (a) => a.code);
  const valid = validateAll(drafts, pathOf, {
    decimals: settings.currency_decimals,
    closedThrough: settings.closed_through,
    isKnownAccount: (code) => accounts.has(code),
  });

  const dates = valid.map((e) => e.date);
  const numbers = assignNumbers(dates, await advanceEntryCounters(trx, countByYear(dates)));
  const headers = valid.map((entry, i) => {
    const draft = drafts[i] as EntryToPost;
    const { year, seq, number } = numbers[i] as (typeof numbers)[number];
    return {
      id: randomUUID(),
      year,
      seq,
      number,
      entry_date: entry.date,
      memo: entry.memo,
      currency: settings.base_currency,
      reversal_of: draft.reversalOf ?? null,
      source_module: draft.source.module,
      source_reference: draft.source.reference,
      posted_by: postedBy,
    };
  });
  const lines: LineToInsert[] = valid.flatMap((entry, i) =>
    entry.lines.map((line, n) => ({
      entry_id: headers[i]!.id,
      line_no: n + 1,
      account_id: (accounts.get(line.accountCode) as AccountRow).id,
      entry_date: entry.date,
      debit: line.debit,
      credit: line.credit,
      description: line.description,
    })),
  );
  try {
    const inserted = indexBy(await insertEntries(trx, headers), (e) => e.id);
    await insertLines(trx, lines);
    return { entries: headers.map((h) => inserted.get(h.id) as JournalEntryRow), lineCount: lines.length };
  } catch (error) {
    // The settings lock makes this unreachable in practice; the database's own check is the backstop.
    if (isPeriodClosedError(error)) failWith([...pathOf(0), 'date'], 'The period is closed', 'PERIOD_CLOSED');
    throw error;
  }
}
