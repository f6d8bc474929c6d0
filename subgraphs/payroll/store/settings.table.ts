import type { ColumnType, Selectable, Updateable } from 'kysely';

/** payroll.settings: one row per tenant, created by the migration with defaults. */
export interface SettingsTable {
  singleton: ColumnType<boolean, never, never>;
  currency: string;
  /** numeric(9,6) as an exact decimal string. */
  income_tax_rate: string;
  employee_contribution_rate: string;
  employer_contribution_rate: string;
  salary_expense_account: string;
  employer_contribution_expense_account: string;
  net_pay_payable_account: string;
  income_tax_payable_account: string;
  contributions_payable_account: string;
  /** Separation of duties: a run's approver must not be whoever calculated it. */
  separate_approver: boolean;
  updated_at: ColumnType<Date, never, Date>;
}
export type SettingsRow = Selectable<SettingsTable>;
export type SettingsUpdate = Updateable<SettingsTable>;
