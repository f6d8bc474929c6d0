import { z } from 'zod';
import { isCalendarDate } from '../../platform/dates';
import { UUID_PATTERN } from '../../platform/ids';

/*
 * The values every contract is made of, defined once. Publishers' payloads are
 * typed by them and consumers parse with them, so both sides agree to the letter.
 */

/** An id of any module's row. */
export const uuid = z.string().regex(UUID_PATTERN, 'not a uuid');

/** A calendar day, YYYY-MM-DD. */
export const isoDate = z.string().refine(isCalendarDate, 'not a YYYY-MM-DD date');

/** A month, YYYY-MM (a depreciation period). */
export const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'not a YYYY-MM month');

/** An exact decimal number as text, never a float: "1200.00", "-35.5". */
export const decimalAmount = z.string().regex(/^-?\d+(\.\d+)?$/, 'not a decimal amount');

/** An ISO 4217 currency code such as EUR. */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'not an ISO 4217 currency code');

/** An amount in a currency. */
export const money = z.object({ amount: decimalAmount, currency: currencyCode });
export type Money = z.infer<typeof money>;

/** An amount that is not negative, with at most two decimals (salaries, costs, proceeds). */
export const nonNegativeMoney = z.object({
  amount: decimalAmount.refine((v) => !v.startsWith('-') && !/\.\d{3,}$/.test(v), 'not a non-negative amount with at most 2 decimals'),
  currency: currencyCode,
});

/**
 * A record's custom field values by key, as the module stores them (text, a JSON number for an
 * integer, a decimal as text, a boolean, a list of options). Only fields without a read permission
 * travel in events: a field the company hides stays behind the API's permission check.
 */
export const customFieldValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));
export type CustomFieldValues = z.infer<typeof customFieldValues>;
