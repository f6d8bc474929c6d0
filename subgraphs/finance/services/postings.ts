import { sql, type Transaction } from 'kysely';
import type { DeliveredEvent } from '../../../platform/outbox';
import { PostingCarrier, type LedgerPosting } from '../../contracts/posting';
import type { Actor } from '../../kit/actor';
import { accountableParty } from '../../kit/duties';
import { UserErrorsException } from '../../kit/errors';
import { journalEntryPosted, sourceOf } from '../events';
import type { FinanceDB, JournalEntryRow } from '../store/db';
import { isUniqueViolation } from '../store/errors';
import { findEntryBySource } from '../store/journal';
import { readSettings } from '../store/settings';
import { postEntries } from './ledger';

/** A posting that can never succeed: the relay retries it and eventually dead-letters it, with this message. */
export class InvalidPostingError extends Error {}

/** The event's posting, read with the contract's schema (subgraphs/contracts/posting.ts); null when there is nothing to book. */
export function parsePosting(event: DeliveredEvent): LedgerPosting | null {
  const parsed = PostingCarrier.safeParse(event.payload);
  if (!parsed.success) {
    throw new InvalidPostingError(
      `${event.type} ${event.id} carries no valid posting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
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
export async function postFromEvent(trx: Transaction<FinanceDB>, event: DeliveredEvent, actor: Actor): Promise<PostingOutcome | null> {
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
    const { entries } = await postEntries(
      trx,
      [{ date: posting.date, memo: posting.memo, lines: posting.lines, source }],
      () => ['posting'],
      accountableParty(actor),
    );
    entry = entries[0] as JournalEntryRow;
  } catch (error) {
    if (isUniqueViolation(error, 'journal_entry_source')) {
      // A concurrent delivery of a duplicate event posted it first.
      await sql`ROLLBACK TO SAVEPOINT finance_posting`.execute(trx);
      return { entry: (await findEntryBySource(trx, source.module, source.reference)) as JournalEntryRow, alreadyPosted: true };
    }
    if (error instanceof UserErrorsException) {
      throw new InvalidPostingError(
        `${event.type} ${source.module}:${source.reference} cannot be posted: ${error.userErrors.map((e) => `${e.code} at ${e.field?.join('.') ?? '-'} (${e.message})`).join('; ')}`,
      );
    }
    throw error;
  }
  await sql`RELEASE SAVEPOINT finance_posting`.execute(trx);
  actor.audit({
    entity: 'journal_entry',
    entityId: entry.id,
    after: { number: entry.number, date: entry.entry_date, source: sourceOf(entry), eventId: event.id },
  });
  actor.publish(journalEntryPosted(entry));
  return { entry, alreadyPosted: false };
}
