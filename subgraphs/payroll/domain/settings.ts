import { userError, type UserError } from '../../kit/errors';
import { toAmount, D, isValidAmount } from '../../kit/money';
import { RESERVED_LINE_CODES, type PayComponentTerms, type PayrollAccounts, type PayrollTerms } from './terms';

/** A change to the settings: fields left out keep their value; `components`, when given, replaces the list. */
export interface SettingsChange {
  currency?: string | null;
  incomeTaxRate?: string | null;
  employeeContributionRate?: string | null;
  employerContributionRate?: string | null;
  accounts?: Partial<Record<keyof PayrollAccounts, string | null>> | null;
  components?: PayComponentTerms[] | null;
  separateApprover?: boolean | null;
}

/** The payroll office's controls: rules about who does what, not terms a run is calculated with. */
export interface PayrollControls {
  /** A run's approver must not be whoever calculated it (kit/duties). */
  separateApprover: boolean;
}

export function applyControlsChange(current: PayrollControls, change: SettingsChange): PayrollControls {
  return { separateApprover: change.separateApprover ?? current.separateApprover };
}

const CURRENCY = /^[A-Z]{3}$/;
const COMPONENT_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const ACCOUNT_CODE = /^\S{1,20}$/;
/** pay_component.amount is numeric(14,2). */
const MAX_COMPONENT_AMOUNT = new D('1e12');

function rateError(field: string, value: string): UserError | null {
  const rate = new D(value);
  if (rate.isNegative() || rate.greaterThan(1))
    return userError(['input', field], `${field} must be between 0 and 1, e.g. "0.2375"; got ${value}`, 'INVALID_RATE');
  return null;
}

/** Every way the change is wrong, as userErrors; empty when it can be saved. */
export function settingsChangeErrors(change: SettingsChange): UserError[] {
  const errors: UserError[] = [];
  if (change.currency != null && !CURRENCY.test(change.currency)) {
    errors.push(userError('input.currency', `currency must be an ISO 4217 code like EUR; got ${change.currency}`, 'INVALID_CURRENCY'));
  }
  for (const field of ['incomeTaxRate', 'employeeContributionRate', 'employerContributionRate'] as const) {
    const value = change[field];
    if (value != null) {
      const error = rateError(field, value);
      if (error) errors.push(error);
    }
  }
  for (const [name, code] of Object.entries(change.accounts ?? {})) {
    if (code != null && !ACCOUNT_CODE.test(code))
      errors.push(userError(['input', 'accounts', name], `Account code "${code}" must be 1 to 20 characters without spaces`, 'INVALID_ACCOUNT_CODE'));
  }
  const seen = new Set<string>();
  (change.components ?? []).forEach((component, index) => {
    const field = ['input', 'payComponents', String(index)];
    if (!COMPONENT_CODE.test(component.code))
      errors.push(userError([...field, 'code'], `Pay component code "${component.code}" must be upper case letters, digits and _`, 'INVALID_COMPONENT'));
    else if (RESERVED_LINE_CODES.includes(component.code))
      errors.push(userError([...field, 'code'], `${component.code} is computed by payroll itself and cannot be a pay component`, 'INVALID_COMPONENT'));
    else if (seen.has(component.code)) errors.push(userError([...field, 'code'], `Pay component ${component.code} is listed twice`, 'DUPLICATE_COMPONENT'));
    seen.add(component.code);
    if (component.name.trim() === '') errors.push(userError([...field, 'name'], 'A pay component needs a name', 'INVALID_COMPONENT'));
    if (!isValidAmount(component.amount) || !new D(component.amount).isPositive() || new D(component.amount).isZero()) {
      errors.push(
        userError([...field, 'amount'], `A pay component's amount must be positive with at most 2 decimals; got ${component.amount}`, 'INVALID_AMOUNT'),
      );
    } else if (new D(component.amount).gte(MAX_COMPONENT_AMOUNT)) {
      errors.push(userError([...field, 'amount'], `A pay component's amount stays below 1,000,000,000,000; got ${component.amount}`, 'AMOUNT_TOO_LARGE'));
    }
    if (component.accountCode != null && !ACCOUNT_CODE.test(component.accountCode))
      errors.push(
        userError([...field, 'accountCode'], `Account code "${component.accountCode}" must be 1 to 20 characters without spaces`, 'INVALID_ACCOUNT_CODE'),
      );
    if (component.kind === 'DEDUCTION' && component.accountCode == null) {
      errors.push(userError([...field, 'accountCode'], `Deduction ${component.code} needs the account its withheld amounts are owed on`, 'ACCOUNT_REQUIRED'));
    }
  });
  return errors;
}

/** The settings after a valid change. Rates are normalised ("0.110000" → "0.11"). */
export function applySettingsChange(current: PayrollTerms, change: SettingsChange): PayrollTerms {
  const rate = (next: string | null | undefined, now: string) => new D(next ?? now).toString();
  const accounts = { ...current.accounts };
  for (const [name, code] of Object.entries(change.accounts ?? {}) as Array<[keyof PayrollAccounts, string | null]>) {
    if (code != null) accounts[name] = code;
  }
  return {
    currency: change.currency ?? current.currency,
    incomeTaxRate: rate(change.incomeTaxRate, current.incomeTaxRate),
    employeeContributionRate: rate(change.employeeContributionRate, current.employeeContributionRate),
    employerContributionRate: rate(change.employerContributionRate, current.employerContributionRate),
    accounts,
    components: change.components ? change.components.map((c) => ({ ...c, amount: toAmount(c.amount) })) : current.components,
  };
}
