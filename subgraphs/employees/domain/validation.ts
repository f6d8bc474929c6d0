import { isUuid } from '../../../platform/ids';
import { D, decimalPlaces, toAmount, type Money } from '../../kit/money';
import { isEmail, type InputProblems } from '../../kit/validation';
import { normalizeName } from './names';

// The employees module's checks of input fields, for validators built with the kit's InputProblems.

const CURRENCY = /^[A-Z]{3}$/;
/** numeric(14,2): twelve digits before the point. */
const MAX_INTEGER_DIGITS = 12;

/** A required piece of text, whitespace-normalised; REQUIRED when blank, TOO_LONG past `max`. */
export function requiredText(problems: InputProblems, field: string, value: string, label: string, max: number): string {
  const text = normalizeName(value);
  if (text.length === 0) problems.add(field, `${label} is required`, 'REQUIRED');
  else if (text.length > max) problems.add(field, `${label} is at most ${max} characters`, 'TOO_LONG');
  return text;
}

/** An id that must name an existing row; a malformed one cannot, so it is NOT_FOUND already here. */
export function requiredId(problems: InputProblems, field: string, value: string, label: string): string {
  if (!isUuid(value)) problems.add(field, `No ${label} ${value}`, 'NOT_FOUND');
  return value;
}

export function optionalId(problems: InputProblems, field: string, value: string | null | undefined, label: string): string | null {
  if (value === null || value === undefined) return null;
  return requiredId(problems, field, value, label);
}

export function email(problems: InputProblems, field: string, value: string): string {
  const address = value.trim().toLowerCase();
  if (address.length === 0) problems.add(field, 'E-mail address is required', 'REQUIRED');
  else if (!isEmail(address)) problems.add(field, `"${value}" is not an e-mail address`, 'INVALID_EMAIL');
  return address;
}

/** `end` (inclusive) may not come before `start`; reported on the end field. */
export function dateRange(problems: InputProblems, endField: string, start: string, end: string | null): void {
  if (end !== null && end < start) problems.add(endField, `The end date ${end} is before the start date ${start}`, 'INVALID_DATE_RANGE');
}

/**
 * A positive amount of money with at most two decimals that fits numeric(14,2),
 * in an ISO 4217 currency. The amount comes back with exactly two decimals.
 */
export function positiveMoney(problems: InputProblems, field: string, value: Money): Money {
  const currency = value.currency.trim().toUpperCase();
  if (!CURRENCY.test(currency)) problems.add(`${field}.currency`, `"${value.currency}" is not an ISO 4217 currency code`, 'INVALID_CURRENCY');
  const amount = new D(value.amount);
  if (decimalPlaces(value.amount) > 2) {
    problems.add(`${field}.amount`, `${value.amount} has more than two decimals`, 'INVALID_AMOUNT');
  } else if (amount.lte(0)) {
    problems.add(`${field}.amount`, `The amount must be greater than zero, got ${value.amount}`, 'INVALID_AMOUNT');
  } else if (amount.truncated().toFixed(0).length > MAX_INTEGER_DIGITS) {
    problems.add(`${field}.amount`, `The amount must be below 10^${MAX_INTEGER_DIGITS}`, 'INVALID_AMOUNT');
  }
  return { amount: toAmount(amount, 2), currency };
}
