import { userError, type UserError } from '../../kit/errors';
import { D, isValidAmount, type Money } from '../../kit/money';
import type { DepreciationMethod, Refusal } from './types';

/**
 * Input checks of the assets mutations, before anything is read or written.
 * Each failure names its input field (["input", "acquisitionCost", "amount"])
 * and a stable code; all failures of one input are reported together.
 */

/** numeric(14,2): twelve digits before the point. */
const MAX_AMOUNT = new D('1e12');
/** A hundred years; beyond that a schedule is a typo, not a plan. */
export const MAX_USEFUL_LIFE_MONTHS = 1200;
const CURRENCY = /^[A-Z]{3}$/;

type Path = string[];

/** A money amount a user may enter: not negative, at most 2 decimals, fits numeric(14,2). */
export function validateMoney(path: Path, value: Money): UserError[] {
  const errors: UserError[] = [];
  if (!isValidAmount(value.amount) || value.amount.startsWith('-') || new D(value.amount).gte(MAX_AMOUNT)) {
    errors.push(userError([...path, 'amount'], 'Amounts are not negative, have at most 2 decimals and stay below 1,000,000,000,000', 'INVALID_AMOUNT'));
  }
  if (!CURRENCY.test(value.currency)) errors.push(userError([...path, 'currency'], 'Currency must be an ISO 4217 code such as EUR', 'INVALID_CURRENCY'));
  return errors;
}

/** A second amount (salvage, proceeds, maintenance cost) must be in the asset's currency. */
export function validateSameCurrency(path: Path, value: Money, currency: string): UserError[] {
  return value.currency === currency
    ? []
    : [userError([...path, 'currency'], `Amounts of this asset are in ${currency}, not ${value.currency}`, 'CURRENCY_MISMATCH')];
}

export function validateText(path: Path, value: string | null | undefined, options: { required: boolean; max: number }): UserError[] {
  const text = value?.trim() ?? '';
  if (options.required && text === '') return [userError(path, `${path.at(-1)} is required`, 'REQUIRED')];
  if (text.length > options.max) return [userError(path, `${path.at(-1)} takes at most ${options.max} characters`, 'TOO_LONG')];
  return [];
}

export interface RegistrationInput {
  tag: string;
  name: string;
  category: string;
  serialNumber?: string | null;
  location?: string | null;
  acquisitionDate: string;
  acquisitionCost: Money;
  usefulLifeMonths: number;
  salvageValue?: Money | null;
  depreciationMethod: DepreciationMethod;
}

/** The registration as it will be stored: trimmed text, salvage defaulting to zero in the cost's currency. */
export interface Registration extends Omit<RegistrationInput, 'salvageValue' | 'serialNumber' | 'location'> {
  serialNumber: string | null;
  location: string | null;
  salvageValue: Money;
}

export function normalizeRegistration(input: RegistrationInput): Registration {
  const optional = (v: string | null | undefined) => (v && v.trim() !== '' ? v.trim() : null);
  return {
    ...input,
    tag: input.tag.trim(),
    name: input.name.trim(),
    category: input.category.trim(),
    serialNumber: optional(input.serialNumber),
    location: optional(input.location),
    salvageValue: input.salvageValue ?? { amount: '0.00', currency: input.acquisitionCost.currency },
  };
}

export function validateRegistration(input: Registration): UserError[] {
  const at = (...p: string[]) => ['input', ...p];
  const errors = [
    ...validateText(at('tag'), input.tag, { required: true, max: 64 }),
    ...validateText(at('name'), input.name, { required: true, max: 200 }),
    ...validateText(at('category'), input.category, { required: true, max: 100 }),
    ...validateText(at('serialNumber'), input.serialNumber, { required: false, max: 100 }),
    ...validateText(at('location'), input.location, { required: false, max: 100 }),
  ];
  const costErrors = validateMoney(at('acquisitionCost'), input.acquisitionCost);
  const salvageErrors = validateMoney(at('salvageValue'), input.salvageValue);
  errors.push(...costErrors, ...salvageErrors);
  if (costErrors.length === 0 && salvageErrors.length === 0) {
    const mismatch = validateSameCurrency(at('salvageValue'), input.salvageValue, input.acquisitionCost.currency);
    errors.push(...mismatch);
    if (mismatch.length === 0 && new D(input.salvageValue.amount).gt(input.acquisitionCost.amount)) {
      errors.push(userError(at('salvageValue', 'amount'), 'The salvage value cannot exceed the acquisition cost', 'SALVAGE_ABOVE_COST'));
    }
  }
  if (!Number.isInteger(input.usefulLifeMonths) || input.usefulLifeMonths <= 0 || input.usefulLifeMonths > MAX_USEFUL_LIFE_MONTHS) {
    errors.push(userError(at('usefulLifeMonths'), `The useful life is a whole number of months from 1 to ${MAX_USEFUL_LIFE_MONTHS}`, 'INVALID_USEFUL_LIFE'));
  }
  return errors;
}

/** `date` must not precede `earliest` (e.g. a return before its assignment, a disposal before acquisition). */
export function refuseDateBefore(date: string, earliest: string, what: string): Refusal | null {
  return date < earliest ? { code: 'INVALID_DATE', message: `${what} (${earliest}); ${date} is earlier` } : null;
}
