import { isCalendarDate } from './dates';

/**
 * The grammar of the API's custom scalars, in one place: the subgraphs parse
 * with it, and the gateway checks it before planning, so a value outside it is
 * a client's mistake at the front, never a failed subgraph call.
 */
const DECIMAL = /^-?(0|[1-9]\d{0,17})(\.\d{1,6})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An exact decimal as a string: at most 18 integer digits and 6 decimals, no exponent, no separators. */
export const isDecimalText = (value: unknown): value is string => typeof value === 'string' && DECIMAL.test(value);

/** A calendar date, YYYY-MM-DD, that exists. */
export const isDateText = (value: unknown): value is string => typeof value === 'string' && isCalendarDate(value);

/** ISO 8601 with a time zone, on a calendar day that exists (Date.parse would roll 2026-02-30 over to March). */
export const isDateTimeText = (value: unknown): value is string =>
  typeof value === 'string' && DATE_TIME.test(value) && isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));

/** What each scalar accepts, for messages. */
export const SCALAR_GRAMMAR = {
  Decimal: { accepts: isDecimalText, says: 'Decimal must be a string like "1200.00" (at most 18 integer digits and 6 decimals)' },
  Date: { accepts: isDateText, says: 'Date must be a calendar date YYYY-MM-DD' },
  DateTime: { accepts: isDateTimeText, says: 'DateTime must be ISO 8601 with a time zone' },
} as const;
