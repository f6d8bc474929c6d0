import type Decimal from 'decimal.js';
import type { LedgerPosting, LedgerPostingLine } from '../../contracts/posting';
import { toAmount, D, type DecimalValue } from '../../kit/money';
import type { AssetLedgerAccounts } from './ledger-settings';

/**
 * The journal entries the asset register asks finance to post, as the
 * `posting` of its events (the contract's LedgerPosting, in the asset's
 * currency; see docs/assets.md for finance's single base currency). Pure
 * functions: amounts in, balanced lines out, to the cent.
 *
 * - Acquisition: Dr fixed assets / Cr acquisition credit, at cost.
 * - Depreciation run: Dr depreciation expense / Cr accumulated depreciation,
 *   the run's total (one pair of lines for every asset of the run).
 * - Disposal: first the depreciation the schedule has booked by the disposal
 *   date but no run has posted yet (Dr expense / Cr accumulated); then the
 *   asset leaves the books: Dr accumulated depreciation (the schedule's, as of
 *   the disposal date), Dr proceeds, Cr fixed assets at cost, and the
 *   difference — proceeds less book value — Cr gain or Dr loss. Book value
 *   and gain or loss are the register's (schedule as of the disposal date).
 *
 * One line per account: amounts booked to the same account are netted and the
 * line lands on the side that remains (descriptions joined), so the disposal's
 * catch-up and removal show as one Dr accumulated depreciation of what the
 * runs posted. Zero lines are left out; debits come first. A posting with no
 * line at all (an asset that cost nothing) is null: nothing to book.
 */

type Side = 'debit' | 'credit';

/**
 * Books amounts line by line, one line per account: amounts on one account are
 * netted (debits less credits) and the line lands on the side that remains.
 */
function journalLines() {
  const byAccount = new Map<string, { net: DecimalValue; descriptions: string[] }>();
  return {
    book(accountCode: string, side: Side, amount: Decimal.Value, description: string): void {
      const value = new D(amount);
      if (value.isZero()) return;
      const line = byAccount.get(accountCode) ?? { net: new D(0), descriptions: [] };
      line.net = side === 'debit' ? line.net.plus(value) : line.net.minus(value);
      if (!line.descriptions.includes(description)) line.descriptions.push(description);
      byAccount.set(accountCode, line);
    },
    lines(): LedgerPostingLine[] {
      const all = [...byAccount.entries()].filter(([, l]) => !l.net.isZero());
      const line = ([accountCode, l]: (typeof all)[number], side: Side): LedgerPostingLine => ({
        accountCode,
        [side]: toAmount(l.net.abs()),
        description: l.descriptions.join('; '),
      });
      return [...all.filter(([, l]) => l.net.gt(0)).map((l) => line(l, 'debit')), ...all.filter(([, l]) => l.net.lt(0)).map((l) => line(l, 'credit'))];
    },
  };
}

/** What postings need to know of an asset. Amounts are decimal strings with at most 2 places. */
export interface AssetOnTheBooks {
  id: string;
  tag: string;
  currency: string;
  acquisitionDate: string;
  cost: string;
}

const posting = (reference: string, date: string, memo: string, currency: string, lines: LedgerPostingLine[]): LedgerPosting | null =>
  lines.length === 0 ? null : { reference, date, memo, currency, lines };

export const acquisitionReference = (assetId: string) => `asset:${assetId}:acquisition`;
export const disposalReference = (assetId: string) => `asset:${assetId}:disposal`;
export const depreciationReference = (period: string, runId: string) => `depreciation:${period}:${runId}`;

/** Dr fixed assets / Cr the payable or bank, at cost, on the acquisition date. */
export function acquisitionPosting(accounts: AssetLedgerAccounts, asset: AssetOnTheBooks): LedgerPosting | null {
  const journal = journalLines();
  journal.book(accounts.fixedAssets, 'debit', asset.cost, `${asset.tag} at cost`);
  journal.book(accounts.acquisitionCredit, 'credit', asset.cost, `Acquisition of ${asset.tag}`);
  return posting(acquisitionReference(asset.id), asset.acquisitionDate, `Acquisition of asset ${asset.tag}`, asset.currency, journal.lines());
}

export interface DepreciationRunSummary {
  id: string;
  /** "2026-03". */
  period: string;
  /** The period's last day: the entry's date. */
  periodEnd: string;
  currency: string;
  assetCount: number;
  /** Σ of the month's depreciation of every asset of the run. */
  total: string;
}

/** Dr depreciation expense / Cr accumulated depreciation, the run's total, on the period's last day. */
export function depreciationPosting(accounts: AssetLedgerAccounts, run: DepreciationRunSummary): LedgerPosting | null {
  const journal = journalLines();
  const assets = run.assetCount === 1 ? '1 asset' : `${run.assetCount} assets`;
  journal.book(accounts.depreciationExpense, 'debit', run.total, `Depreciation ${run.period}, ${assets}`);
  journal.book(accounts.accumulatedDepreciation, 'credit', run.total, `Depreciation ${run.period}, ${assets}`);
  return posting(depreciationReference(run.period, run.id), run.periodEnd, `Depreciation ${run.period} (${assets})`, run.currency, journal.lines());
}

export interface Disposal {
  asset: AssetOnTheBooks;
  date: string;
  proceeds: string;
  /** Accumulated depreciation of the schedule as of the disposal date: what the register's book value counts. */
  scheduleAccumulated: string;
  /** Depreciation of this asset already sent to the ledger by depreciation runs. */
  postedAccumulated: string;
}

/** Book value and gain (positive) or loss (negative) of a disposal, as the register reports them. */
export function disposalResult(disposal: Disposal): { bookValue: string; gainOrLoss: string } {
  const bookValue = new D(disposal.asset.cost).minus(disposal.scheduleAccumulated);
  return { bookValue: toAmount(bookValue), gainOrLoss: toAmount(new D(disposal.proceeds).minus(bookValue)) };
}

/**
 * The disposal entry: catch-up of unposted depreciation, then removal at cost
 * against the schedule's accumulated depreciation, proceeds, and the gain or
 * loss. Should runs have posted more than the schedule has booked by the
 * disposal date (a disposal dated before months already posted), the excess
 * is reversed (Dr accumulated / Cr expense) instead of caught up.
 */
export function disposalPosting(accounts: AssetLedgerAccounts, disposal: Disposal): LedgerPosting | null {
  const { asset } = disposal;
  const journal = journalLines();
  // The catch-up (Dr expense / Cr accumulated: schedule − posted) and the removal
  // of the schedule's accumulated depreciation (Dr accumulated: schedule) net, on
  // the accumulated depreciation account, to Dr what the runs posted.
  const catchUp = new D(disposal.scheduleAccumulated).minus(disposal.postedAccumulated);
  if (catchUp.gt(0)) journal.book(accounts.depreciationExpense, 'debit', catchUp, `Depreciation of ${asset.tag} up to its disposal, not posted before`);
  if (catchUp.lt(0))
    journal.book(accounts.depreciationExpense, 'credit', catchUp.negated(), `Depreciation of ${asset.tag} posted for months after its disposal, reversed`);
  journal.book(accounts.accumulatedDepreciation, 'debit', disposal.postedAccumulated, `Accumulated depreciation of ${asset.tag} removed`);
  journal.book(accounts.disposalProceeds, 'debit', disposal.proceeds, `Proceeds from the disposal of ${asset.tag}`);
  const gainOrLoss = new D(disposalResult(disposal).gainOrLoss);
  if (gainOrLoss.lt(0)) journal.book(accounts.lossOnDisposal, 'debit', gainOrLoss.negated(), `Loss on the disposal of ${asset.tag}`);
  journal.book(accounts.fixedAssets, 'credit', asset.cost, `${asset.tag} removed at cost`);
  if (gainOrLoss.gt(0)) journal.book(accounts.gainOnDisposal, 'credit', gainOrLoss, `Gain on the disposal of ${asset.tag}`);
  return posting(disposalReference(asset.id), disposal.date, `Disposal of asset ${asset.tag}`, asset.currency, journal.lines());
}
