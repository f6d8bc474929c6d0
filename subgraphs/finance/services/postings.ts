import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { UserErrorsException } from '../../kit/errors';
import { publishEvents, type DeliveredEvent } from '../../../platform/outbox';
import { isValidDate } from '../../kit/scalars';
import { journalEntryPosted, sourceOf } from '../events';
import { writeEventAudit } from '../store/audit';
import type { FinanceDB, JournalEntryRow } from '../store/db';
import { isUniqueViolation } from '../store/errors';
import { findEntryBySource } from '../store/journal';
import { readSettings } from '../store/settings';
import { postEntries } from './ledger';

/**
 * What another module sends to be posted: the producing module chooses the
 * accounts; finance checks the entry like any other and posts it once.
 */
export const PostingSchema = z.object({
  reference: z.string().min(1).max(200),
  date: z.string().refine(isValidDate, 'a calendar date YYYY-MM-DD'),
  memo: z.string().max(1000),
  /** Currency of the amounts; absent means the ledger's base currency. */
  currency: z.string().length(3).optional(),
  lines: z
    .array(
      z.object({
        accountCode: z.string().min(1),
        debit: z.string().nullish(),
        credit: z.string().nullish(),
        description: z.string().nullish(),
      }),
    )
    .min(1),
});
export type Posting = z.infer<typeof PostingSchema>;

// `posting: null` is a producer saying there is nothing to book (e.g. an asset acquired at zero cost).
const PayloadWithPosting = z.object({ posting: PostingSchema.nullable() });

/** A posting that can never succeed: the relay retries it and eventually dead-letters it, with this message. */
export class InvalidPostingError extends Error {}

export function parsePosting(event: DeliveredEvent): Posting | null {
  const parsed = PayloadWithPosting.safeParse(event.payload);
  if (!parsed.success) {
    throw new InvalidPostingError(`${event.type} ${event.id} carries no valid posting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.posting;
}

export interface PostingOutcome {
  entry: JournalEntryRow;
  alreadyPosted: boolean;
}

/**
 * Turns another module's event into exactly one journal entry with source
 * { module: <event source, lower-cased>, reference: posting.reference }. The
 * relay's inbox stops a redelivered event; the unique (module, reference)
 * stops a second event for the same posting — its violation is rolled back to
 * a savepoint and treated as "already posted". An invalid posting (unknown
 * account, unbalanced, closed period) throws, so the relay retries it and
 * finally dead-letters it for an operator.
 */
export async function postFromEvent(trx: Transaction<FinanceDB>, event: DeliveredEvent): Promise<PostingOutcome | null> {
  const posting = parsePosting(event);
  if (!posting) return null;
  if (posting.currency) {
    const { base_currency: base } = await readSettings(trx);
    // Booking foreign amounts as base currency would be silently wrong: dead-letter it for an operator instead.
    if (posting.currency !== base) throw new InvalidPostingError(`${event.type} ${event.id} is in ${posting.currency}, the ledger keeps ${base}`);
  }
  const source = { module: event.source.toLowerCase(), reference: posting.reference };
  const existing = await findEntryBySource(trx, source.module, source.reference);
  if (existing) return { entry: existing, alreadyPosted: true };

  await sql`SAVEPOINT finance_posting`.execute(trx);
  let entry: JournalEntryRow;
  try {
    const { entries } = await postEntries(trx, [{ date: posting.date, memo: posting.memo, lines: posting.lines, source }], () => ['posting']);
    entry = entries[0] as JournalEntryRow;
  } catch (error) {
    if (isUniqueViolation(error, 'journal_entry_source')) {
      // A concurrent delivery of a duplicate event posted it first.
      await sql`ROLLBACK TO SAVEPOINT finance_posting`.execute(trx);
      return { entry: (await findEntryBySource(trx, source.module, source.reference)) as JournalEntryRow, alreadyPosted: true };
    }
    if (error instanceof UserErrorsException) {
      throw new InvalidPostingError(`${event.type} ${source.module}:${source.reference} cannot be posted: ${error.userErrors.map((e) => `${e.code} at ${e.field?.join('.') ?? '-'} (${e.message})`).join('; ')}`);
    }
    throw error;
  }
  await sql`RELEASE SAVEPOINT finance_posting`.execute(trx);
  await writeEventAudit(trx, event.requestId, [
    { operation: `post${event.type}`, entity: 'journal_entry', entityId: entry.id, after: { number: entry.number, date: entry.entry_date, source: sourceOf(entry), eventId: event.id } },
  ]);
  await publishEvents(trx, 'finance', [journalEntryPosted(entry)], event.requestId);
  return { entry, alreadyPosted: false };
}
