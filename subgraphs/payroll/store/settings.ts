import { D } from '../../kit/money';
import type { PayrollControls } from '../domain/settings';
import type { PayrollTerms } from '../domain/terms';
import type { PayrollExecutor } from './db';
import type { PayComponentRow } from './pay-component.table';
import type { SettingsRow } from './settings.table';

export interface PayrollSettingsView extends PayrollTerms, PayrollControls {
  updatedAt: Date;
}

/** The settings a run is calculated with, without the office's controls. */
export function termsOf(settings: PayrollSettingsView): PayrollTerms {
  const { updatedAt: _updatedAt, separateApprover: _separateApprover, ...terms } = settings;
  return terms;
}

export function controlsOf(settings: PayrollSettingsView): PayrollControls {
  return { separateApprover: settings.separateApprover };
}

function toTerms(row: SettingsRow, components: PayComponentRow[]): PayrollSettingsView {
  return {
    currency: row.currency,
    // numeric(9,6) reads as "0.200000"; the terms carry the rate as written ("0.2").
    incomeTaxRate: new D(row.income_tax_rate).toString(),
    employeeContributionRate: new D(row.employee_contribution_rate).toString(),
    employerContributionRate: new D(row.employer_contribution_rate).toString(),
    accounts: {
      salaryExpense: row.salary_expense_account,
      employerContributionExpense: row.employer_contribution_expense_account,
      netPayPayable: row.net_pay_payable_account,
      incomeTaxPayable: row.income_tax_payable_account,
      contributionsPayable: row.contributions_payable_account,
    },
    components: components.map((c) => ({ code: c.code, name: c.name, kind: c.kind, amount: c.amount, accountCode: c.account_code })),
    separateApprover: row.separate_approver,
    updatedAt: row.updated_at,
  };
}

/** The tenant's settings and pay components; `forUpdate` serialises changes to them. */
export async function readSettings(db: PayrollExecutor, options: { forUpdate?: boolean } = {}): Promise<PayrollSettingsView> {
  let query = db.selectFrom('payroll.settings').selectAll();
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirstOrThrow();
  const components = await db.selectFrom('payroll.pay_component').selectAll().orderBy('position').execute();
  return toTerms(row, components);
}

/** Only the office's controls, for a rule checked on a run (no pay components read). */
export async function readControls(db: PayrollExecutor): Promise<PayrollControls> {
  const row = await db.selectFrom('payroll.settings').select('separate_approver').executeTakeFirstOrThrow();
  return { separateApprover: row.separate_approver };
}

export async function saveSettings(db: PayrollExecutor, terms: PayrollTerms, controls: PayrollControls, replaceComponents: boolean): Promise<void> {
  await db
    .updateTable('payroll.settings')
    .set({
      currency: terms.currency,
      income_tax_rate: terms.incomeTaxRate,
      employee_contribution_rate: terms.employeeContributionRate,
      employer_contribution_rate: terms.employerContributionRate,
      salary_expense_account: terms.accounts.salaryExpense,
      employer_contribution_expense_account: terms.accounts.employerContributionExpense,
      net_pay_payable_account: terms.accounts.netPayPayable,
      income_tax_payable_account: terms.accounts.incomeTaxPayable,
      contributions_payable_account: terms.accounts.contributionsPayable,
      separate_approver: controls.separateApprover,
      updated_at: new Date(),
    })
    .execute();
  if (!replaceComponents) return;
  await db.deleteFrom('payroll.pay_component').execute();
  if (terms.components.length === 0) return;
  await db
    .insertInto('payroll.pay_component')
    .values(terms.components.map((c, position) => ({ code: c.code, name: c.name, kind: c.kind, amount: c.amount, account_code: c.accountCode, position })))
    .execute();
}
