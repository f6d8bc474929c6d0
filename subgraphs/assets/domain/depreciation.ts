import Decimal from 'decimal.js';
import { D, toAmount, type DecimalValue } from '../../kit/money';
import { formatPeriod, fromMonthIndex, isMonthEnd, monthEnd, monthIndex, parseDate, type YearMonth } from './dates';
import type { DepreciationMethod } from './types';

/**
 * Depreciation of one asset, month by month.
 *
 * Conventions (the issue leaves them to us):
 * - Full month of acquisition: the first period is the month the asset was
 *   acquired in, whatever the day, and there are exactly `usefulLifeMonths`
 *   periods. An asset bought on 2026-01-10 with a 36-month life depreciates
 *   over 2026-01 … 2028-12.
 * - A period's depreciation is booked on its last day. The book value as of a
 *   date counts the periods whose month end is on or before that date.
 * - Amounts are in cents. Straight line truncates the monthly charge to cents
 *   and puts the remainder in the last month, so the total is exactly
 *   cost − salvage and no month is ever negative.
 * - Declining balance is double declining (rate 2 / life per month) on the
 *   opening book value, switching to straight line over the remaining months
 *   when that is larger, never going below salvage; the last month brings the
 *   book value to salvage exactly. Each month is rounded half-even to cents.
 */

export interface DepreciationTerms {
  acquisitionDate: string;
  /** Acquisition cost, a decimal string with at most 2 places. */
  cost: string;
  /** Salvage (residual) value, 0 ≤ salvage ≤ cost. */
  salvage: string;
  /** > 0. */
  usefulLifeMonths: number;
  method: DepreciationMethod;
}

export interface DepreciationPeriod {
  /** 1 for the month of acquisition. */
  number: number;
  /** "2026-01". */
  period: string;
  /** Day the period's depreciation is booked: the month's last day. */
  periodEnd: string;
  depreciation: string;
  accumulated: string;
  bookValue: string;
}

const cents = (value: DecimalValue, rounding: Decimal.Rounding) => value.toDecimalPlaces(2, rounding);

/** The first `months` monthly charges (all of them by default), in order, as exact decimals. */
function monthlyCharges(terms: DepreciationTerms, months = terms.usefulLifeMonths): DecimalValue[] {
  if (terms.method === 'STRAIGHT_LINE') {
    const { charge } = straightLineCharges(terms);
    return Array.from({ length: months }, (_, i) => charge(i + 1));
  }
  return decliningBalanceCents(terms, months).map(fromCents);
}

/** Straight line: the monthly charge truncated to cents, the remainder in the last month. */
function straightLineCharges(terms: DepreciationTerms): { charge: (month: number) => DecimalValue } {
  const life = terms.usefulLifeMonths;
  const depreciable = new D(terms.cost).minus(terms.salvage);
  const monthly = cents(depreciable.div(life), Decimal.ROUND_DOWN);
  const last = depreciable.minus(monthly.times(life - 1));
  return { charge: (month) => (month === life ? last : monthly) };
}

const toCents = (amount: string): bigint => BigInt(toAmount(new D(amount).times(100), 0));
const fromCents = (value: bigint): DecimalValue => new D(value.toString()).div(100);

/** n / d (n ≥ 0, d > 0) rounded half-even to an integer. */
function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const twice = (n % d) * 2n;
  return twice > d || (twice === d && q % 2n === 1n) ? q + 1n : q;
}

/**
 * Declining balance month by month in integer cents. Each month depends on the
 * last, so a book value as of month k costs k steps, not the whole life; exact
 * integers keep those steps cheap (a run over 50k assets computes millions).
 * The rationals compared (2B / life against (B − salvage) / remaining months)
 * have denominators of at most the life, so comparing and rounding them
 * exactly gives the same cents as decimals would.
 */
function decliningBalanceCents(terms: DepreciationTerms, months: number): bigint[] {
  const life = BigInt(terms.usefulLifeMonths);
  const salvage = toCents(terms.salvage);
  let bookValue = toCents(terms.cost);
  const charges: bigint[] = [];
  for (let month = 1; month <= months; month += 1) {
    const remaining = life - BigInt(month) + 1n;
    const depreciable = bookValue - salvage;
    // The larger of 2B / life and (B − salvage) / remaining, as a fraction.
    const decliningIsLarger = bookValue * 2n * remaining >= depreciable * life;
    const [numerator, denominator] = decliningIsLarger ? [bookValue * 2n, life] : [depreciable, remaining];
    // Never below salvage: the cap is whole cents, so capping before or after rounding is the same.
    const charge = numerator >= depreciable * denominator ? depreciable : divideHalfEven(numerator, denominator);
    charges.push(charge);
    bookValue -= charge;
  }
  return charges;
}

/** The full schedule: one row per month of the useful life. */
export function depreciationSchedule(terms: DepreciationTerms): DepreciationPeriod[] {
  const first = monthIndex(parseDate(terms.acquisitionDate));
  const cost = new D(terms.cost);
  let accumulated = new D(0);
  return monthlyCharges(terms).map((charge, i) => {
    accumulated = accumulated.plus(charge);
    const ym = fromMonthIndex(first + i);
    return {
      number: i + 1,
      period: formatPeriod(ym),
      periodEnd: monthEnd(ym),
      depreciation: toAmount(charge),
      accumulated: toAmount(accumulated),
      bookValue: toAmount(cost.minus(accumulated)),
    };
  });
}

/**
 * The charge of one month of the schedule ("2026-03"): zero before the month
 * of acquisition and after the useful life. Costs as many steps as the month's
 * number, like a book value as of its end.
 */
export function depreciationOfPeriod(terms: DepreciationTerms, period: YearMonth): string {
  const number = monthIndex(period) - monthIndex(parseDate(terms.acquisitionDate)) + 1;
  if (number < 1 || number > terms.usefulLifeMonths) return toAmount(0);
  if (terms.method === 'DECLINING_BALANCE') return toAmount(fromCents(decliningBalanceCents(terms, number)[number - 1]!));
  // Straight line: every month the same but the last, so no need to walk the months.
  return toAmount(straightLineCharges(terms).charge(number));
}

/** How many periods have been booked by the end of `asOf` (0 before the first month end, at most the life). */
export function periodsElapsed(acquisitionDate: string, usefulLifeMonths: number, asOf: string): number {
  const months = monthIndex(parseDate(asOf)) - monthIndex(parseDate(acquisitionDate)) + (isMonthEnd(asOf) ? 1 : 0);
  return Math.max(0, Math.min(usefulLifeMonths, months));
}

/** Accumulated depreciation as of a date. */
export function accumulatedDepreciationAsOf(terms: DepreciationTerms, asOf: string): string {
  const elapsed = periodsElapsed(terms.acquisitionDate, terms.usefulLifeMonths, asOf);
  const charges = monthlyCharges(terms, elapsed);
  return toAmount(charges.reduce((sum, c) => sum.plus(c), new D(0)));
}

/** Cost less accumulated depreciation as of a date; the cost itself before the first month end. */
export function bookValueAsOf(terms: DepreciationTerms, asOf: string): string {
  return toAmount(new D(terms.cost).minus(accumulatedDepreciationAsOf(terms, asOf)));
}

/**
 * Book value of an asset that may have been disposed: once disposed it is off
 * the books, so from the disposal date on its book value is zero.
 */
export function carryingAmountAsOf(terms: DepreciationTerms, disposedOn: string | null, asOf: string): string {
  if (disposedOn !== null && asOf >= disposedOn) return toAmount(0);
  return bookValueAsOf(terms, asOf);
}

/** Proceeds less book value at disposal: positive is a gain, negative a loss. */
export function disposalGainOrLoss(proceeds: string, bookValueAtDisposal: string): string {
  return toAmount(new D(proceeds).minus(bookValueAtDisposal));
}
