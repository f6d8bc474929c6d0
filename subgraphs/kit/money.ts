import Decimal from 'decimal.js';

// Money arithmetic is decimal, never binary floating point.
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type DecimalValue = InstanceType<typeof D>;

export interface Money {
  amount: string;
  currency: string;
}

/** Formats a decimal with a fixed number of places (2 for EUR), half-even rounding. */
export function toAmount(value: Decimal.Value, places = 2): string {
  return new D(value).toFixed(places, Decimal.ROUND_HALF_EVEN);
}

/** A decimal in plain notation with all its digits (never exponent form), e.g. for ratios. */
export function plainDecimal(value: Decimal.Value): string {
  const d = new D(value);
  return d.isZero() ? '0' : d.toFixed();
}

export function money(amount: Decimal.Value, currency: string, places = 2): Money {
  return { amount: toAmount(amount, places), currency };
}

export function decimalPlaces(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

/** Validates a user-supplied amount: a currency takes at most two decimals. */
export function isValidAmount(value: string, places = 2): boolean {
  return /^-?\d+(\.\d+)?$/.test(value) && decimalPlaces(value) <= places;
}

/**
 * A ratio as a Decimal string: half-even to at most 4 places, trailing zeros
 * dropped ("1.5", "0.4167", "2"). Null when the denominator is zero.
 */
export function ratio(numerator: Decimal.Value, denominator: Decimal.Value): string | null {
  const d = new D(denominator);
  if (d.isZero()) return null;
  return plainDecimal(new D(numerator).div(d).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN));
}

/**
 * a − b when both are known and in one currency, with as many decimals as the
 * more precise of the two; null otherwise (amounts in two currencies do not subtract).
 */
export function differenceOf(a: Money | null, b: Money): Money | null {
  if (!a || a.currency !== b.currency) return null;
  return money(new D(a.amount).minus(b.amount), b.currency, Math.max(decimalPlaces(a.amount), decimalPlaces(b.amount)));
}
