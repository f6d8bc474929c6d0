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
