import Decimal from 'decimal.js';
import { z } from 'zod';
import { currencyCode, isoDate } from './primitives';

/*
 * The ledger posting: the journal entry another module asks finance to book,
 * carried as the `posting` of its event (PayRunPosted, AssetRegistered,
 * AssetDepreciated, AssetDisposed). The producing module chooses the accounts;
 * finance books it exactly once per (module, reference).
 *
 * Amounts and sides are text here on purpose: whether "10.005" or a line with
 * both sides can be booked depends on the ledger's currency and rules, so
 * finance judges them and dead-letters a posting it cannot book with the
 * ledger's own reason (INVALID_AMOUNT, UNBALANCED, UNKNOWN_ACCOUNT...).
 */

/** One journal line: exactly one of debit or credit, a positive amount. */
export const LedgerPostingLine = z.object({
  accountCode: z.string().min(1),
  debit: z.string().nullish(),
  credit: z.string().nullish(),
  description: z.string().nullish(),
});
export type LedgerPostingLine = z.infer<typeof LedgerPostingLine>;

export const LedgerPosting = z.object({
  /** Unique per producing module: finance books one entry per (module, reference). */
  reference: z.string().min(1).max(200),
  /** The entry's accounting date. */
  date: isoDate,
  memo: z.string().max(1000),
  /** Currency of every amount; absent means the ledger's base currency. */
  currency: currencyCode.optional(),
  lines: z.array(LedgerPostingLine).min(1),
});
export type LedgerPosting = z.infer<typeof LedgerPosting>;

/**
 * What finance reads of an event that carries a posting: only the posting.
 * `null` is the producer saying there is nothing to book (an asset acquired at
 * zero cost). Every posting event's payload includes this part.
 */
export const PostingCarrier = z.object({ posting: LedgerPosting.nullable() });
export type PostingCarrier = z.infer<typeof PostingCarrier>;

// Sums of many 12-digit amounts stay exact well within 40 significant digits.
const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** Σdebit and Σcredit of posting lines, as exact strings with 2 decimals. */
export function postingTotals(lines: readonly LedgerPostingLine[]): { debit: string; credit: string } {
  let debit = new Exact(0);
  let credit = new Exact(0);
  for (const line of lines) {
    if (line.debit) debit = debit.plus(line.debit);
    if (line.credit) credit = credit.plus(line.credit);
  }
  return { debit: debit.toFixed(2), credit: credit.toFixed(2) };
}
