import { toAmount, D } from '../../kit/money';
import { monthEnd, monthIndex, parseDate, parsePeriod, type YearMonth } from './dates';
import { depreciationOfPeriod, depreciationSchedule, periodsElapsed, type DepreciationTerms } from './depreciation';
import type { Refusal } from './types';

/**
 * Which months of depreciation go to the ledger, and when.
 *
 * - `runDepreciation(period)` posts one month: for each asset acquired by the
 *   month's end and not disposed before it, that month's charge from the
 *   schedule, once per (asset, month) ever.
 * - Any month up to the current one may be run, in any order: catching up
 *   months skipped or run late is normal bookkeeping, and each month of each
 *   asset is posted at most once whatever the order. The current month may be
 *   run before it ends (month-end close often starts on the last working day);
 *   its entry is dated the month's last day. Later months are refused.
 * - A disposal posts the months the schedule has booked by the disposal date
 *   that no run has posted yet, and records them, so a later run of those
 *   months finds them posted.
 */

export interface MonthCharge {
  assetId: string;
  currency: string;
  /** The month's depreciation, > 0, 2 decimals. */
  amount: string;
}

export interface CurrencyTotal {
  currency: string;
  assetCount: number;
  total: string;
}

/** The month a run is asked for, or why it cannot be run (`today` is YYYY-MM-DD). */
export function runnablePeriod(period: string, today: string): { month: YearMonth } | { refusal: Refusal } {
  const month = parsePeriod(period);
  if (!month) return { refusal: { code: 'INVALID_PERIOD', message: `A period is a calendar month written YYYY-MM, e.g. 2026-03; got "${period}"` } };
  if (monthIndex(month) > monthIndex(parseDate(today))) {
    return {
      refusal: { code: 'PERIOD_IN_FUTURE', message: `${period} has not begun yet (today is ${today}); depreciation can be posted from a month's first day` },
    };
  }
  return { month };
}

/** Each asset's charge for the month; assets with nothing to charge that month are left out. */
export function monthCharges(assets: ReadonlyArray<{ id: string; currency: string; terms: DepreciationTerms }>, month: YearMonth): MonthCharge[] {
  const charges: MonthCharge[] = [];
  for (const asset of assets) {
    const amount = depreciationOfPeriod(asset.terms, month);
    if (new D(amount).gt(0)) charges.push({ assetId: asset.id, currency: asset.currency, amount });
  }
  return charges;
}

/** Σ of the charges per currency, in currency order. */
export function totalsByCurrency(charges: readonly MonthCharge[]): CurrencyTotal[] {
  const totals = new Map<string, { assetCount: number; total: InstanceType<typeof D> }>();
  for (const charge of charges) {
    const sum = totals.get(charge.currency) ?? { assetCount: 0, total: new D(0) };
    sum.assetCount += 1;
    sum.total = sum.total.plus(charge.amount);
    totals.set(charge.currency, sum);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, sum]) => ({ currency, assetCount: sum.assetCount, total: toAmount(sum.total) }));
}

export interface PostedMonth {
  period: string;
  amount: string;
}

/**
 * What a disposal on `date` finds against what was posted: the schedule's
 * accumulated depreciation as of that date, what runs have posted, and the
 * months booked by then that nobody posted (which the disposal posts).
 */
export function depreciationAtDisposal(terms: DepreciationTerms, date: string, posted: readonly PostedMonth[]) {
  const elapsed = periodsElapsed(terms.acquisitionDate, terms.usefulLifeMonths, date);
  const booked = depreciationSchedule(terms).slice(0, elapsed);
  const postedPeriods = new Set(posted.map((p) => p.period));
  const unposted = booked
    .filter((row) => !postedPeriods.has(row.period) && new D(row.depreciation).gt(0))
    .map((row) => ({ period: row.period, amount: row.depreciation }));
  return {
    scheduleAccumulated: elapsed === 0 ? '0.00' : booked[elapsed - 1]!.accumulated,
    postedAccumulated: toAmount(posted.reduce((sum, p) => sum.plus(p.amount), new D(0))),
    unposted,
  };
}

/** First and last day of a month, for queries. */
export function monthBounds(month: YearMonth): { start: string; end: string } {
  const end = monthEnd(month);
  return { start: `${end.slice(0, 7)}-01`, end };
}
