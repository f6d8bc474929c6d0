import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { failWith } from '../../kit/errors';
import { refuse } from '../../kit/validation';
import type { Actor } from '../../kit/actor';
import { accountableParty, separationOfDutiesError } from '../../kit/duties';
import { canonicalAmount } from '../../kit/fingerprint';
import { normalizeReference, reversalLines, type LineDraft } from '../domain/journal';
import { numberRanges } from '../domain/numbering';
import { MANUAL_SOURCE_MODULE } from '../domain/types';
import { journalEntriesImported, journalEntryPosted, journalEntryReversed, sourceOf } from '../events';
import { findAccountsByIds } from '../store/accounts';
import type { FinanceDB, JournalEntryRow } from '../store/db';
import { isUuid } from '../../../platform/ids';
import { findEntriesByIds, findLinesByEntryIds, lockEntry, markReversed } from '../store/journal';
import { readSettings } from '../store/settings';
import { runIdempotently } from '../../kit/idempotency';
import { postEntries } from './ledger';

/** Most entries one postJournalEntries call takes: big enough for imports, small enough for one transaction. */
export const MAX_ENTRIES_PER_BATCH = 500;

export interface JournalEntryInput {
  date: string;
  memo?: string | null;
  /** The client's own reference (invoice number, import row), kept as source.reference. */
  reference?: string | null;
  lines: readonly LineDraft[];
}

export interface PostJournalEntryInput extends JournalEntryInput {
  idempotencyKey?: string | null;
}

export interface PostJournalEntriesInput {
  entries: readonly JournalEntryInput[];
  idempotencyKey?: string | null;
}

export interface ReverseJournalEntryInput {
  journalEntryId: string;
  date?: string | null;
  memo?: string | null;
}

/** What an idempotency key is bound to: the entry as the ledger reads it (amounts compared as numbers). */
function canonicalEntry(input: JournalEntryInput) {
  return {
    date: input.date,
    memo: input.memo ?? null,
    reference: normalizeReference(input.reference),
    lines: input.lines.map((l) => ({
      accountCode: l.accountCode,
      debit: canonicalAmount(l.debit),
      credit: canonicalAmount(l.credit),
      description: l.description ?? null,
    })),
  };
}

const manual = (input: JournalEntryInput) => ({ ...input, source: { module: MANUAL_SOURCE_MODULE, reference: normalizeReference(input.reference) } });

function entryAuditView(entry: JournalEntryRow) {
  return { number: entry.number, date: entry.entry_date, status: entry.status, source: sourceOf(entry), reversalOf: entry.reversal_of };
}

async function entriesInOrder(trx: Transaction<FinanceDB>, ids: readonly string[]): Promise<JournalEntryRow[]> {
  const found = new Map((await findEntriesByIds(trx, ids)).map((e) => [e.id, e]));
  return ids.map((id) => found.get(id)).filter((e): e is JournalEntryRow => e !== undefined);
}

export async function postJournalEntry(trx: Transaction<FinanceDB>, input: PostJournalEntryInput, actor: Actor): Promise<{ journalEntry: JournalEntryRow }> {
  const outcome = await runIdempotently(
    trx,
    { module: 'FINANCE', key: input.idempotencyKey, operation: 'postJournalEntry', canonicalInput: () => canonicalEntry(input) },
    async (ids) => (await entriesInOrder(trx, ids))[0] as JournalEntryRow,
    async () => {
      const { entries } = await postEntries(trx, [manual(input)], () => ['input'], accountableParty(actor));
      const entry = entries[0] as JournalEntryRow;
      actor.audit({ operation: 'postJournalEntry', entity: 'journal_entry', entityId: entry.id, after: entryAuditView(entry) });
      actor.publish(journalEntryPosted(entry));
      return { result: entry, resultIds: [entry.id] };
    },
  );
  return { journalEntry: outcome.result };
}

/**
 * A partner import: up to 500 entries, all or none. The batch gets one audit
 * row and one event naming its number ranges (contiguous per year), rather
 * than one per entry, which keeps imports fast and the outbox small.
 */
export async function postJournalEntries(
  trx: Transaction<FinanceDB>,
  input: PostJournalEntriesInput,
  actor: Actor,
): Promise<{ journalEntries: JournalEntryRow[] }> {
  if (input.entries.length === 0) failWith(['input', 'entries'], 'A batch needs at least one entry', 'TOO_FEW_ENTRIES');
  if (input.entries.length > MAX_ENTRIES_PER_BATCH) {
    failWith(['input', 'entries'], `A batch has at most ${MAX_ENTRIES_PER_BATCH} entries, got ${input.entries.length}`, 'TOO_MANY_ENTRIES');
  }
  const outcome = await runIdempotently(
    trx,
    { module: 'FINANCE', key: input.idempotencyKey, operation: 'postJournalEntries', canonicalInput: () => input.entries.map(canonicalEntry) },
    (ids) => entriesInOrder(trx, ids),
    async () => {
      const { entries, lineCount } = await postEntries(trx, input.entries.map(manual), (i) => ['input', 'entries', String(i)], accountableParty(actor));
      const batchId = randomUUID();
      const ranges = numberRanges(entries);
      actor.audit({
        operation: 'postJournalEntries',
        entity: 'journal_entry_batch',
        entityId: batchId,
        after: { entryCount: entries.length, lineCount, numbers: ranges },
      });
      actor.publish(journalEntriesImported(batchId, entries.length, lineCount, ranges));
      return { result: entries, resultIds: entries.map((e) => e.id) };
    },
  );
  return { journalEntries: outcome.result };
}

/**
 * Corrects an entry the only way a ledger may: a mirror entry (every debit a
 * credit and vice versa) that points back at it, dated in an open period on or
 * after the original. An entry is reversed at most once (row lock here, a
 * unique index in the database); a reversal is not itself reversed. Where the
 * company separates the duties, whoever posted the entry cannot reverse it.
 */
export async function reverseJournalEntry(
  trx: Transaction<FinanceDB>,
  input: ReverseJournalEntryInput,
  actor: Actor,
): Promise<{ journalEntry: JournalEntryRow }> {
  const original = isUuid(input.journalEntryId) ? await lockEntry(trx, input.journalEntryId) : undefined;
  if (!original) failWith(['input', 'journalEntryId'], `No journal entry ${input.journalEntryId}`, 'NOT_FOUND');
  if (original.status === 'REVERSED') failWith(['input', 'journalEntryId'], `${original.number} is already reversed`, 'ALREADY_REVERSED');
  if (original.reversal_of !== null)
    failWith(['input', 'journalEntryId'], `${original.number} is itself a reversal; post a new entry instead`, 'CANNOT_REVERSE_REVERSAL');
  const date = input.date ?? original.entry_date;
  if (date < original.entry_date)
    failWith(['input', 'date'], `A reversal cannot be dated before the entry it reverses (${original.entry_date})`, 'REVERSAL_BEFORE_ORIGINAL');

  const { currency_decimals: decimals, separate_reverser: separateReverser } = await readSettings(trx);
  const reverser = accountableParty(actor);
  const rule = { enabled: separateReverser, field: ['input', 'journalEntryId'], firstAct: `posted ${original.number}`, secondAct: 'reverse it' };
  const refusal = separationOfDutiesError(rule, original.posted_by, reverser);
  if (refusal) refuse([refusal]);

  const posted = await findLinesByEntryIds(trx, [original.id]);
  const codeOf = new Map((await findAccountsByIds(trx, [...new Set(posted.map((l) => l.account_id))])).map((a) => [a.id, a.code]));
  const lines = reversalLines(
    posted.map((l) => ({ ...l, accountCode: codeOf.get(l.account_id) as string })),
    decimals,
  );
  const { entries } = await postEntries(
    trx,
    [
      {
        date,
        memo: input.memo ?? `Reversal of ${original.number}`,
        lines,
        source: { module: MANUAL_SOURCE_MODULE, reference: original.number },
        reversalOf: original.id,
      },
    ],
    () => ['input'],
    reverser,
  );
  const reversal = entries[0] as JournalEntryRow;
  const reversed = await markReversed(trx, original.id);
  actor.audit({ operation: 'reverseJournalEntry', entity: 'journal_entry', entityId: reversal.id, after: entryAuditView(reversal) });
  actor.audit({
    operation: 'reverseJournalEntry',
    entity: 'journal_entry',
    entityId: original.id,
    before: { status: original.status },
    after: { status: reversed.status },
  });
  actor.publish(journalEntryPosted(reversal));
  actor.publish(journalEntryReversed(original, reversal));
  return { journalEntry: reversal };
}
