import { applySettingsChange, settingsChangeErrors } from '../../subgraphs/payroll/domain/settings';
import type { PayrollTerms } from '../../subgraphs/payroll/domain/terms';

const current: PayrollTerms = {
  currency: 'EUR',
  incomeTaxRate: '0.2',
  employeeContributionRate: '0.11',
  employerContributionRate: '0.2375',
  accounts: { salaryExpense: '6000', employerContributionExpense: '6100', netPayPayable: '2100', incomeTaxPayable: '2200', contributionsPayable: '2300' },
  components: [{ code: 'MEAL_ALLOWANCE', name: 'Meal allowance', kind: 'EARNING', amount: '150.00', accountCode: null }],
};

describe('payroll settings changes', () => {
  it('reports every problem of a change with its field and code', () => {
    const errors = settingsChangeErrors({
      currency: 'euro',
      incomeTaxRate: '1.5',
      employerContributionRate: '-0.1',
      accounts: { netPayPayable: 'two one' },
      components: [
        { code: 'BASE_SALARY', name: 'Clash', kind: 'EARNING', amount: '10.00', accountCode: null },
        { code: 'DUES', name: 'Union dues', kind: 'DEDUCTION', amount: '20.00', accountCode: null },
        { code: 'DUES', name: 'Again', kind: 'EARNING', amount: '0', accountCode: null },
        { code: 'bad code', name: ' ', kind: 'EARNING', amount: '1.234', accountCode: null },
      ],
    });
    expect(errors.map((e) => [e.field?.join('.'), e.code])).toEqual([
      ['input.currency', 'INVALID_CURRENCY'],
      ['input.incomeTaxRate', 'INVALID_RATE'],
      ['input.employerContributionRate', 'INVALID_RATE'],
      ['input.accounts.netPayPayable', 'INVALID_ACCOUNT_CODE'],
      ['input.payComponents.0.code', 'INVALID_COMPONENT'],
      ['input.payComponents.1.accountCode', 'ACCOUNT_REQUIRED'],
      ['input.payComponents.2.code', 'DUPLICATE_COMPONENT'],
      ['input.payComponents.2.amount', 'INVALID_AMOUNT'],
      ['input.payComponents.3.code', 'INVALID_COMPONENT'],
      ['input.payComponents.3.name', 'INVALID_COMPONENT'],
      ['input.payComponents.3.amount', 'INVALID_AMOUNT'],
    ]);
    expect(settingsChangeErrors({ incomeTaxRate: '0', employerContributionRate: '1', accounts: { salaryExpense: '6010' } })).toEqual([]);
  });

  it('keeps what the change leaves out, replaces the component list only when given, and normalises rates', () => {
    const next = applySettingsChange(current, { incomeTaxRate: '0.250000', accounts: { salaryExpense: '6010', netPayPayable: null } });
    expect(next).toEqual({ ...current, incomeTaxRate: '0.25', accounts: { ...current.accounts, salaryExpense: '6010' } });
    expect(applySettingsChange(current, { components: [] }).components).toEqual([]);
    expect(
      applySettingsChange(current, { components: [{ code: 'CAR', name: 'Car', kind: 'EARNING', amount: '300', accountCode: '6050' }] }).components,
    ).toEqual([{ code: 'CAR', name: 'Car', kind: 'EARNING', amount: '300.00', accountCode: '6050' }]);
  });
});
